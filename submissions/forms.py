"""The public forms: 投稿, 企业入驻, 联系我们 and 受理查询.

Their fields and widgets are in `submissions.fields`; the files a refused post keeps are
handled by `submissions.kept_uploads`.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from articles.models import Industry, Region
from newsportal.text import PlainTextFormMixin
from submissions import attachments, tracking, validators
from submissions.fields import (
    MinLength,
    MobileField,
    MultipleFileField,
    MultipleFileInput,
    RegionChoiceField,
    code_field,
)
from submissions.kept_uploads import KeptUploadsMixin
from submissions.models import ContactMessage, Contribution, EntryRequest

HONEYPOT_FIELD = "homepage"


class SubmissionForm(PlainTextFormMixin, KeptUploadsMixin, forms.ModelForm):
    """A public form with a one-time token, a honeypot and Chinese messages for every field.

    Control and invisible characters are taken out of every posted value before the fields
    see them (`PlainTextFormMixin`); one-line fields are then kept on one line by `clean`.
    Checked files survive a refusal for another reason (`KeptUploadsMixin`).

    After validation `token` is the form's FormToken and `is_abuse` tells whether it was
    refused as automated (honeypot filled, posted too fast, token forged).
    """

    form_name = ""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    homepage = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.token = None
        self.is_abuse = False
        if not self.is_bound:
            self.initial["form_token"] = tracking.issue_form_token(self.form_name)
        for field in self.fields.values():
            self._set_messages(field)

    @staticmethod
    def _set_messages(field):
        label = field.label
        if isinstance(field, forms.FileField):
            field.error_messages["required"] = f"请上传{label}。"
            field.error_messages["empty"] = "上传的文件是空的。"
        elif isinstance(field, forms.ModelChoiceField):
            field.error_messages["required"] = f"请选择{label}。"
            field.error_messages["invalid_choice"] = f"所选{label}不存在，请重新选择。"
        else:
            field.error_messages["required"] = f"请填写{label}。"
        if isinstance(field, forms.EmailField):
            field.error_messages["invalid"] = "电子邮箱格式不正确，例如 name@example.com。"
        # Validators are shared between form instances: replace, never mutate them.
        field.validators = [
            MaxLengthValidator(v.limit_value, f"{label}最多 {v.limit_value} 个字，您填写了 %(show_value)d 个。")
            if type(v) is MaxLengthValidator
            else v
            for v in field.validators
        ]
        if isinstance(field, forms.IntegerField | forms.DecimalField):
            field.error_messages["invalid"] = f"{label}请填写数字。"

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            # One-line fields stay on one line (they end up in e-mail subjects and exports).
            if isinstance(value, str) and type(self.fields[name].widget) is forms.TextInput:
                cleaned[name] = " ".join(value.split())
        self.token = tracking.read_form_token(self.data.get("form_token"), self.form_name)
        if self.token is None or self.token.age > settings.SUBMISSIONS_FORM_MAX_AGE:
            self.is_abuse = self.token is None and bool(self.data.get("form_token"))
            self._renew_token()
            raise ValidationError("页面已过期，请检查填写内容后再次提交。", code="token")
        if self.data.get(HONEYPOT_FIELD):
            self.is_abuse = True
            # Cleared for the next try: a person whose browser autofilled it can simply resubmit.
            self.data = self.data.copy()
            self.data[HONEYPOT_FIELD] = ""
            raise ValidationError("提交未通过安全校验，请检查填写内容后再次提交。", code="honeypot")
        if self.token.age < settings.SUBMISSIONS_MIN_FILL_SECONDS:
            self.is_abuse = True
            raise ValidationError("提交过快，请确认填写内容后再次提交。", code="too_fast")
        return cleaned

    def _renew_token(self):
        self.data = self.data.copy()
        self.data["form_token"] = tracking.issue_form_token(self.form_name)

    def prepared_files(self):
        """(label, PreparedFile) pairs to store with the submission."""
        return []

    def build_submission(self):
        return self.save(commit=False)


class ContributionForm(SubmissionForm):
    form_name = "contribution"
    file_fields = ("attachments",)
    attachment_kinds = [attachments.IMAGE, attachments.PDF, attachments.DOCX]

    phone = MobileField()
    region = RegionChoiceField(label="所属区域", queryset=Region.objects.all(), empty_label="请选择区域")
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text=(
            f"最多 {settings.SUBMISSIONS_MAX_ATTACHMENTS} 个文件，每个不超过 "
            f"{settings.SUBMISSIONS_MAX_UPLOAD_BYTES // (1024 * 1024)} MB；"
            "支持 JPG、PNG、WebP 图片，PDF 和 DOCX 文档。"
        ),
        widget=MultipleFileInput(
            attrs={
                "accept": attachments.accept_attribute(attachment_kinds),
                "data-max-files": settings.SUBMISSIONS_MAX_ATTACHMENTS,
                "data-max-bytes": settings.SUBMISSIONS_MAX_UPLOAD_BYTES,
            }
        ),
    )
    agree_terms = forms.BooleanField(label="我已阅读并同意投稿须知")

    class Meta:
        model = Contribution
        fields = ["name", "phone", "email", "organization", "title", "body", "region"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organization": forms.TextInput(attrs={"autocomplete": "organization"}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }

    field_order = [
        "name", "phone", "email", "organization", "title", "body", "region", "attachments", "agree_terms",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(MinLength(20, "正文"))
        self.fields["agree_terms"].error_messages["required"] = "请阅读并同意投稿须知后再提交。"

    def clean_attachments(self):
        uploads = self.cleaned_data["attachments"]
        limit = settings.SUBMISSIONS_MAX_ATTACHMENTS
        if len(uploads) > limit:
            raise ValidationError(f"最多上传 {limit} 个附件，您选择了 {len(uploads)} 个。", code="too_many")
        prepared, errors = [], []
        for upload in uploads:
            try:
                prepared.append(self.prepare_file(upload, self.attachment_kinds))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return prepared

    def prepared_files(self):
        return [("附件", prepared) for prepared in self.cleaned_data.get("attachments", [])]

    def build_submission(self):
        contribution = super().build_submission()
        contribution.terms_accepted_at = timezone.now()
        return contribution


class EntryRequestForm(SubmissionForm):
    form_name = "entry"
    file_fields = ("business_license",)
    license_kinds = [attachments.IMAGE, attachments.PDF]

    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=40,
        help_text=f"18 位，见营业执照，例如 {validators.CREDIT_CODE_EXAMPLE}；可带空格或短横线。",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    phone = MobileField()
    industry = forms.ModelChoiceField(label="所属行业", queryset=Industry.objects.all(), empty_label="请选择行业")
    region = RegionChoiceField(
        label="意向区域", queryset=Region.objects.all(), empty_label="请选择区域或园区", help_text="可选区或园区。"
    )
    investment_amount = forms.DecimalField(
        label="计划投资额（万元）",
        min_value=0,
        max_value=9_999_999_999,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    employee_count = forms.IntegerField(
        label="员工人数", min_value=1, max_value=10_000_000, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    business_license = forms.FileField(
        label="营业执照",
        help_text=(f"JPG、PNG、WebP 图片或 PDF，不超过 {settings.SUBMISSIONS_MAX_UPLOAD_BYTES // (1024 * 1024)} MB。"),
        widget=forms.FileInput(
            attrs={
                "accept": attachments.accept_attribute(license_kinds),
                "data-max-bytes": settings.SUBMISSIONS_MAX_UPLOAD_BYTES,
            }
        ),
    )

    class Meta:
        model = EntryRequest
        fields = [
            "company_name", "credit_code", "contact_name", "phone", "email", "industry", "region",
            "investment_amount", "employee_count", "requirements",
        ]  # fmt: skip
        widgets = {
            "company_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "requirements": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].validators.append(MinLength(10, "需求说明"))
        self.fields["requirements"].help_text = "如用地、办公面积、政策咨询、人才落户等需求。"

    def clean_credit_code(self):
        code = validators.normalize_credit_code(self.cleaned_data["credit_code"])
        validators.validate_credit_code(code)
        return code

    def clean_business_license(self):
        return self.prepare_file(self.cleaned_data["business_license"], self.license_kinds)

    def prepared_files(self):
        return [("营业执照", self.cleaned_data["business_license"])]


class ContactForm(SubmissionForm):
    form_name = "contact"

    contact = forms.CharField(
        label="联系方式",
        max_length=100,
        help_text="手机号码、固定电话或电子邮箱；留电子邮箱可收到回执和答复。",
    )

    class Meta:
        model = ContactMessage
        fields = ["name", "contact", "message"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].validators.append(MinLength(5, "留言"))
        self.contact_email = ""

    def clean_contact(self):
        contact, self.contact_email = validators.normalize_contact(self.cleaned_data["contact"])
        return contact

    def build_submission(self):
        message = super().build_submission()
        message.email = self.contact_email
        return message


class TrackForm(PlainTextFormMixin, forms.Form):
    tracking_number = code_field("受理编号", 40, "例如 TG-20261125-000123。")
    query_code = code_field("查询码", 20, "提交成功时页面上显示的 8 位查询码。")
