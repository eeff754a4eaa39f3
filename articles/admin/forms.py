"""The article change form: the rich-text body, stale-save protection and the workflow button."""

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField

from articles.admin.editor import EDITOR_EXTENSIONS, NewsroomEditorWidget
from articles.content.tags import SEPARATORS_HELP
from articles.models import Article, Status
from articles.newsroom import drafts, policy, revisions


class ArticleAdminForm(forms.ModelForm):
    body = ProseEditorFormField(
        label="正文", extensions=EDITOR_EXTENSIONS, preset="newsroom", widget=NewsroomEditorWidget
    )
    # The version the editor loaded: a save based on an older one is refused (see clean()).
    loaded_version = forms.IntegerField(label="打开时的版本号", widget=forms.HiddenInput, required=False)
    # A published story: when its unpublished changes go live (empty: when 发布修改 is pressed).
    changes_go_live_at = forms.SplitDateTimeField(
        label="修改生效时间",
        required=False,
        widget=admin_widgets.AdminSplitDateTime,
        help_text="已发布的文章：留空表示点击“发布修改”时立即生效；填写将来的时间，修改将在该时间自动发布。",
    )
    # The comment that goes with a workflow step; 退回修改 requires it (the writer reads it).
    workflow_note = forms.CharField(
        label="审核意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="退回修改时必填：说明需要修改的地方。撰稿人会在工作台和文章页看到，并收到邮件。",
    )

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
        # A published story's form shows its unpublished changes, if it has any.
        self.pending = drafts.pending(self.instance) if drafts.holds_drafts(self.instance) else None
        if self.pending is not None:
            self.initial.update(drafts.form_initial(self.pending))
            self.initial["changes_go_live_at"] = self.pending.go_live_at
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        if "publish_at" in self.fields and self.instance.status in {Status.DRAFT, Status.REVIEW}:
            # Not published yet: no 发布时间 until it is (a future one schedules it).
            self.fields["publish_at"].required = False
            self.fields["publish_at"].help_text = "留空则在发布时取发布时刻；填写将来的时间即为定时发布。"
            if self.instance.publish_at is not None and self.instance.publish_at <= timezone.now():
                self.initial["publish_at"] = None
        if "source" in self.fields:
            self.fields["source"].required = True
            self.fields["source"].error_messages["required"] = "请填写来源。"

    def clean_source(self):
        source = (self.cleaned_data.get("source") or "").strip()
        if not source:
            raise ValidationError("请填写来源。")
        return source

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        if value is None:  # left empty on a story not yet published: the time it is published
            return timezone.now() if self.instance.pk is None else min(self.instance.publish_at, timezone.now())
        return value

    def clean_changes_go_live_at(self):
        value = self.cleaned_data.get("changes_go_live_at")
        if value is not None and value <= timezone.now():
            return None  # a time already past: as soon as published
        return value

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_stale_save(cleaned.get("loaded_version"))
        transition = policy.TRANSITIONS.get(self.transition or "")
        if transition is not None and transition.needs_note and not (cleaned.get("workflow_note") or "").strip():
            self.add_error("workflow_note", f"{transition.label}时请填写审核意见，说明需要修改的地方。")
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
