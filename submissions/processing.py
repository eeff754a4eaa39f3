"""The officer's processing form: a new reply, a deadline extension and the stale-save guard.

`ProcessingForm` is mixed into the admin's SubmissionAdminForm (submissions.admin.base). Replies
and extensions are appended, never edited: the form offers a field for the next one, and
`services.save_by_staff` records it. A form loaded at version N that is posted after someone
else saved version N+1 is refused, with who saved and when, and keeps what was typed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from submissions import roles, services

# Fields of the form that are no model field: left out for those who may only view a case.
FORM_ONLY_FIELDS = ("loaded_version", "new_reply", "extend_to", "extension_reason")
REPLY_MAX = 5000
REASON_MAX = 500


class ProcessingForm(forms.Form):
    # The version the officer loaded: a save based on an older one is refused (see clean()).
    # Text, not a number field: a tampered value is refused as stale, never as a hidden-field error.
    loaded_version = forms.CharField(label="打开时的版本号", widget=forms.HiddenInput, required=False)
    new_reply = forms.CharField(
        label="新答复",
        required=False,
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"答复最多 {REPLY_MAX} 个字（当前 %(show_value)d 个字）。"},
    )
    extend_to = forms.DateField(
        label="延长办理期限至",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式不正确，例如 2026-12-10。"},
    )
    extension_reason = forms.CharField(
        label="延期原因",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"延期原因最多 {REASON_MAX} 个字（当前 %(show_value)d 个字）。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance
        if not case.pk:
            return
        self.fields["loaded_version"].initial = case.version
        if case.submitter_email:
            reply_help = "保存后显示在“受理查询”中，并以邮件发送给提交人。已保存的答复不能修改，只能追加。"
        else:
            reply_help = (
                f"提交人未留邮箱，请电话联系：{case.submitter_phone}。"
                "答复保存后显示在“受理查询”中，不会发送邮件。已保存的答复不能修改，只能追加。"
            )
        self.fields["new_reply"].help_text = reply_help
        extend_help = f"当前办理期限：{case.due_label}。须为工作日，并填写延期原因；提交人会看到延期和原因。"
        self.fields["extend_to"].help_text = extend_help

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._refuse_stale_save(cleaned.get("loaded_version"))
            self._check_extension(cleaned)
        return cleaned

    @property
    def reply_text(self):
        return (self.cleaned_data.get("new_reply") or "").strip()

    @property
    def extension(self):
        """The services.Extension asked for, or None."""
        new_date = self.cleaned_data.get("extend_to")
        if new_date is None:
            return None
        return services.Extension(new_date, self.cleaned_data["extension_reason"].strip())

    def _check_extension(self, cleaned):
        new_date = cleaned.get("extend_to")
        reason = (cleaned.get("extension_reason") or "").strip()
        if new_date is None:
            if reason and "extend_to" not in self.errors:
                self.add_error("extend_to", "请选择新的办理期限，或清空延期原因。")
            return
        if not reason:
            self.add_error("extension_reason", "请填写延期原因。")
        try:
            services.check_extension(self.instance, new_date, cleaned.get("status"))
        except ValidationError as error:
            self.add_error("extend_to", error)

    def _refuse_stale_save(self, loaded):
        model = type(self.instance)
        # Inside the admin's transaction: on PostgreSQL the row stays locked until the save.
        current = (
            model.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if not loaded or current is None or loaded == str(current):
            return
        latest = model.objects.select_related("updated_by").get(pk=self.instance.pk)
        who = roles.display_name(latest.updated_by) or "其他工作人员"
        when = timezone.localtime(latest.updated_at)
        raise ValidationError(
            f"保存被拒绝：您打开此页面后，{who} 于 {when:%Y-%m-%d %H:%M} 保存了这份{model.KIND_LABEL}。"
            "为避免覆盖对方的办理结果，本次未保存，也未发送任何邮件。"
            "您输入的内容仍保留在下方：请先复制需要的内容，再重新打开此页面，在最新内容上处理。",
            code="stale",
        )
