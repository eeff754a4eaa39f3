// The newsroom's django-prose-editor preset: the stock "configurable" preset, except that
// Tiptap must not inject a <style> element (the site's CSP forbids inline styles); the same
// rules ship in css/admin-editor.css. And the toolbar speaks Chinese (below).
import * as prose from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-newsroom";

// The editor's dialogs ask the admin's JavaScript catalogue (gettext) for their words, which
// locale/zh_Hans/LC_MESSAGES/djangojs.po translates. Its toolbar does not: the package names
// each button and block-type option with an English literal ("bold", "Heading 2"). The menu's
// registry hands every item to the extensions after defining it, so this names them in Chinese
// before the toolbar is drawn. Keyed by the package's item names.
const MENU_LABELS = {
  heading2: "二级标题",
  heading3: "三级标题",
  paragraph: "正文段落",
  bulletList: "项目符号列表",
  orderedList: "编号列表",
  blockquote: "引用",
  horizontalRule: "分隔线",
  figure: "插入图片",
  bold: "加粗",
  italic: "斜体",
  underline: "下划线",
  strike: "删除线",
  subscript: "下标",
  superscript: "上标",
  link: "插入链接",
  unlink: "移除链接",
  "history:undo": "撤销",
  "history:redo": "重做",
};
const MENU_GROUPS = "blockType nodes lists marks link history utility textAlign table";

const ChineseMenuLabels = prose.Extension.create({
  name: "newsroomMenuLabels",
  addMenuItems({ menu }) {
    for (const item of menu.items(MENU_GROUPS)) {
      const label = MENU_LABELS[item.name];
      if (!label) continue;
      item.button?.setAttribute("title", label);
      item.button?.setAttribute("aria-label", label);
      if (item.option) item.option.textContent = label;
    }
  },
});

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const extensions = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = prose[name];
    if (!extension) continue;
    extensions.push(options && typeof options === "object" ? extension.configure(options) : extension);
  }
  extensions.push(ChineseMenuLabels); // last: after every extension has defined its items
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = prose.crel("div", { className: `prose-editor ${disabled ? "disabled" : ""}` });
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new prose.Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  textarea.dispatchEvent(new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }));
  return editor;
}

prose.initializeEditors(createEditor, `[${ATTRIBUTE}]`);
