"""The public forms: 投稿, 企业入驻, 联系我们 and 受理查询."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from articles.models import Industry, Region
from newsportal.text import PlainTextFormMixin
from submissions import attachments, tracking, validators
from submissions.models import ContactMessage, Contribution, EntryRequest

HONEYPOT_FIELD = "homepage"
# A file kept from a refused post comes back as <field name>_kept=<token> (submissions.attachments.keep).
KEPT_SUFFIX = "_kept"


def _posted(mapping, key):
    """Every value posted under `key`, from a QueryDict / MultiValueDict or a plain dict."""
    if hasattr(mapping, "getlist"):
        return [value for value in mapping.getlist(key) if value]
    value = mapping.get(key)
    return [v for v in value if v] if isinstance(value, list | tuple) else [value] if value else []


class RegionChoiceIterator(ModelChoiceIterator):
    """Regions as a tree (districts, then their parks indented), from one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        regions = list(self.queryset)
        children = {}
        for region in regions:
            children.setdefault(region.parent_id, []).append(region)
        known = {region.pk for region in regions}
        roots = [r for r in regions if r.parent_id is None or r.parent_id not in known]

        def walk(nodes, depth):
            for node in nodes:
                yield self.choice(node, depth)
                yield from walk(children.get(node.pk, ()), depth + 1)

        yield from walk(roots, 0)

    def choice(self, obj, depth=0):
        value, label = super().choice(obj)
        return value, "\u3000" * depth + label


class RegionChoiceField(forms.ModelChoiceField):
    iterator = RegionChoiceIterator


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by FileField, the set by the form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data and initial:  # nothing chosen this time: the files kept from the last post
            return list(initial)
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class SubmissionBoundField(forms.BoundField):
    """A field of a public form, which knows the files kept for it from a refused post."""

    @property
    def kept(self):
        """The KeptUploads this file field holds (empty for other fields)."""
        return self.form.kept.get(self.name, [])

    @property
    def kept_name(self):
        return self.html_name + KEPT_SUFFIX

    @property
    def files_lost(self):
        return self.form.files_lost_for(self.name)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.kept:
            attrs.pop("required", None)  # a file is already there
        return attrs


class KeptUploadsMixin:
    """Files that passed their checks survive a form refused for another reason.

    For each field in `file_fields`, checked files are kept (`submissions.attachments.keep`)
    when the form is refused, unless as abuse (`is_abuse`); `kept` (field name -> [KeptUpload]) is
    drawn as hidden tokens beside the field, and a post that chooses no new file for it uses
    them again (they are the field's initial value). A new choice replaces them. Once the
    submission is saved, the view calls `discard_kept()`.
    """

    file_fields = ()
    bound_field_class = SubmissionBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = {}
        self._kept_gone = set()
        if self.is_bound:
            self._read_kept()

    def _kept_purpose(self, name):
        return f"{self.form_name}.{name}"

    def _read_kept(self):
        """Take back the files kept for each file field from the last post, by their tokens."""
        for name in self.file_fields:
            field = self.fields[name]
            limit = settings.SUBMISSIONS_MAX_ATTACHMENTS if isinstance(field, MultipleFileField) else 1
            tokens = _posted(self.data, self.add_prefix(name) + KEPT_SUFFIX)[:limit]
            kept = [attachments.read_kept(token, self._kept_purpose(name)) for token in tokens]
            if None in kept:  # expired, used already, or not ours: the submitter must choose again
                self._kept_gone.add(name)
            elif kept:
                self.kept[name] = kept
                self.initial[name] = kept if isinstance(field, MultipleFileField) else kept[0]

    def _chosen(self, name):
        """Were new files chosen for `name` in this post?"""
        return bool(_posted(self.files, self.add_prefix(name)))

    def files_lost_for(self, name):
        """Were files chosen for `name` that could not be kept (refused, or the post was)?"""
        return self.is_bound and name in self.file_fields and self._chosen(name) and not self.kept.get(name)

    @property
    def files_lost(self):
        return any(self.files_lost_for(name) for name in self.file_fields)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name in self._kept_gone - {n for n in self.file_fields if self._chosen(n)}:
            self._errors.pop(name, None)  # say why the file is missing, not just that it is
            self.add_error(name, ValidationError(attachments.KEPT_GONE, code="kept_gone"))
        if self._errors and not getattr(self, "is_abuse", False):
            self._keep_uploads()

    def _keep_uploads(self):
        for name in self.file_fields:
            if name in self._errors:
                self.kept.pop(name, None)  # a refused new choice, or kept files that are gone
            elif self._chosen(name):
                value = self.cleaned_data.get(name)
                prepared = value if isinstance(value, list) else [value] if value else []
                self.kept[name] = [attachments.keep(file, self._kept_purpose(name)) for file in prepared]

    def discard_kept(self):
        """Delete the files kept for this form (used, or replaced by a new choice): call once its
        submission is saved."""
        attachments.discard_kept(kept for files in self.kept.values() for kept in files)

    def prepare_file(self, value, kinds):
        """A PreparedFile from a new upload (checked now) or a kept one (checked before)."""
        if isinstance(value, attachments.KeptUpload):
            return value.load()
        return attachments.prepare(value, kinds)


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


class MobileField(forms.CharField):
    """A mainland mobile number as typed (+86, spaces, dashes), cleaned to its 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "手机号码")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "中国大陆手机号码，可带 +86。")
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        number = validators.normalize_mobile(super().clean(value))
        validators.validate_mobile(number)
        return number


def _code_field(label, max_length, help_text):
    """A code copied from a receipt: typed in capitals, never spell-checked or autofilled."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": f"请填写{label}。"},
    )


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
        self.fields["body"].validators.append(_MinLength(20, "正文"))
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
        self.fields["requirements"].validators.append(_MinLength(10, "需求说明"))
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
        self.fields["message"].validators.append(_MinLength(5, "留言"))
        self.contact_email = ""

    def clean_contact(self):
        contact, self.contact_email = validators.normalize_contact(self.cleaned_data["contact"])
        return contact

    def build_submission(self):
        message = super().build_submission()
        message.email = self.contact_email
        return message


class TrackForm(PlainTextFormMixin, forms.Form):
    tracking_number = _code_field("受理编号", 40, "例如 TG-20261125-000123。")
    query_code = _code_field("查询码", 20, "提交成功时页面上显示的 8 位查询码。")


class _MinLength:
    """A minimum length counted after trimming, with a Chinese message naming the field."""

    def __init__(self, limit, label):
        self.limit = limit
        self.label = label

    def __call__(self, value):
        if len(value.strip()) < self.limit:
            raise ValidationError(
                f"{self.label}至少 {self.limit} 个字，您填写了 {len(value.strip())} 个。", code="min_length"
            )
