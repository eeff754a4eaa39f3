"""The article change form: the rich-text body, stale-save protection and the workflow button."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField

from articles.admin.editor import EDITOR_EXTENSIONS, NewsroomEditorWidget
from articles.content.tags import SEPARATORS_HELP
from articles.models import Article
from articles.newsroom import policy, revisions


class ArticleAdminForm(forms.ModelForm):
    body = ProseEditorFormField(
        label="正文", extensions=EDITOR_EXTENSIONS, preset="newsroom", widget=NewsroomEditorWidget
    )
    # The version the editor loaded: a save based on an older one is refused (see clean()).
    loaded_version = forms.IntegerField(label="打开时的版本号", widget=forms.HiddenInput, required=False)

    # Set by ArticleAdmin.get_form: the workflow button pressed, if any (its permission is
    # already checked; whether the story can make the move is checked here).
    transition = None

    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "summary", "body", "cover", "cover_alt", "source", "author", "responsible_editor",
            "channel", "regions", "industries", "tags", "publish_at", "expire_at", "is_headline", "is_pinned",
            "is_featured",
        ]  # fmt: skip
        help_texts = {"tags": SEPARATORS_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        if "source" in self.fields:
            self.fields["source"].required = True
            self.fields["source"].error_messages["required"] = "请填写来源。"

    def clean_source(self):
        source = (self.cleaned_data.get("source") or "").strip()
        if not source:
            raise ValidationError("请填写来源。")
        return source

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_stale_save(cleaned.get("loaded_version"))
        publish_at = cleaned.get("publish_at") or self.instance.publish_at
        expire_at = cleaned.get("expire_at", self.instance.expire_at)
        if expire_at and publish_at and expire_at <= publish_at:
            self.add_error("expire_at", "下线时间必须晚于发布时间。")
        cover = cleaned.get("cover")
        if cover is not None and not ((cleaned.get("cover_alt") or "").strip() or cover.alt_text.strip()):
            self.add_error("cover_alt", "请填写封面图说明（替代文本）。")
        return cleaned

    def _post_clean(self):
        # The move is judged on the story as it would be saved: the edits are on the instance now.
        super()._post_clean()
        if self.transition and not self.errors:
            reason = policy.refusal(self.instance, self.transition)
            if reason:
                self.add_error(None, ValidationError(reason, code="transition"))

    def _refuse_stale_save(self, loaded):
        # Inside the admin's transaction: on PostgreSQL the row stays locked until the save.
        current = (
            Article.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if loaded is None or current is None or loaded == current:
            return
        latest = revisions.history(self.instance).first()
        who = ""
        if latest is not None and latest.revision.user is not None:
            user = latest.revision.user
            when = timezone.localtime(latest.revision.date_created)
            who = f"（{user.get_full_name() or user.username} 于 {when:%Y-%m-%d %H:%M}）"
        raise ValidationError(
            f"保存被拒绝：您打开此页面后，这篇文章已被他人修改{who}。为避免覆盖对方的修改，本次未保存。"
            "您输入的内容仍保留在下方：请先复制需要的内容，再重新打开文章，在最新版本上修改。",
            code="stale",
        )
