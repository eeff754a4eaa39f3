"""The article body's rich-text editor (django-prose-editor), set up for the site's strict CSP.

It speaks Chinese: its dialogs ask the admin's JavaScript catalogue (`window.gettext`, from the
admin:jsi18n script every admin change form loads before the editor's modules run), which
locale/zh_Hans/LC_MESSAGES/djangojs.po fills in; its toolbar is named in static/js/admin-editor.js.
"""

from django.urls import reverse_lazy
from django_prose_editor.widgets import AdminProseEditorWidget, prose_editor_admin_media
from js_asset import Media, Script

# What the editor offers; the model's nh3 allowlist (articles.content.richtext) stays the authority.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Figure": {"pickerUrl": reverse_lazy("admin:articles_image_picker")},
    "Image": True,
    "Caption": True,
    "History": True,
}


class NewsroomEditorWidget(AdminProseEditorWidget):
    """django-prose-editor with our own preset module.

    The stock presets let Tiptap inject a <style> element, which the site's strict CSP
    (style-src 'self') refuses; ours turns that off and ships the same rules as a file.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("preset", "newsroom")
        super().__init__(*args, **kwargs)

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={"all": ["css/admin-editor.css"]},
            js=[
                Script("django_prose_editor/editor.js", type="module"),
                Script("js/admin-editor.js", type="module"),
            ],
        )
