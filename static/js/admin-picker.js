// The image library popup opened by the editor's "Browse…" button (CKEditor 4 file browser
// protocol, which django-prose-editor speaks): hand the chosen image back and close.
(function () {
  "use strict";
  const root = document.querySelector(".image-picker");
  if (!root) return;
  const func = root.dataset.func;
  root.addEventListener("click", (event) => {
    const choice = event.target.closest(".picker-choice");
    if (!choice) return;
    const opener = window.opener;
    if (!opener || !opener.CKEDITOR || !func) {
      window.alert("请从文章编辑器的“插入图片”对话框中打开图片库。");
      return;
    }
    opener.CKEDITOR.tools.callFunction(Number(func), choice.dataset.url, {
      id: choice.dataset.id,
      alternative_text: choice.dataset.alt,
      caption: choice.dataset.caption,
    });
    window.close();
  });
})();
