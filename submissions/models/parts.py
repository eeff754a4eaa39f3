"""What belongs to one case of any kind: attachments, status changes, notes, replies, extensions.

Each part points at its submission (`submissions.models.cases`) through a generic relation, so
one table serves all three kinds; attachments are stored privately (`submissions.storage`).
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from newsportal.fields import staff_member
from submissions import deadlines
from submissions.storage import private_storage


class SubmissionPart(models.Model):
    """Something that belongs to one submission of any kind."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    submission = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True
        # Named per model: attachment_submission_idx, statuschange_submission_idx, ...
        indexes = [models.Index(fields=["content_type", "object_id"], name="%(class)s_submission_idx")]


class Attachment(SubmissionPart):
    """A checked, re-encoded upload kept outside the public media folder."""

    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        PDF = "pdf", "PDF 文档"
        DOCX = "docx", "Word 文档"

    label = models.CharField("用途", max_length=20, default="附件")
    file = models.FileField("文件", storage=private_storage, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    mime_type = models.CharField("MIME 类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta(SubmissionPart.Meta):
        verbose_name = verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class StatusChange(SubmissionPart):
    """One step in a submission's life: who moved it to which status, and when."""

    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12)
    changed_by = staff_member("操作人")
    changed_at = models.DateTimeField("时间", default=timezone.now)
    # When the submitter was told (by its own e-mail or with a reply saved at the same time).
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)

    class Meta(SubmissionPart.Meta):
        verbose_name = verbose_name_plural = "状态记录"
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_label or '—'} → {self.to_label}"

    def _label(self, value):
        if not value:
            return ""
        status = self.content_type.model_class().Status
        return status(value).label if value in status.values else value

    @property
    def from_label(self):
        return self._label(self.from_status)

    @property
    def to_label(self):
        return self._label(self.to_status)


class InternalNote(SubmissionPart):
    """A note for staff only; never shown to the submitter."""

    author = staff_member("记录人", blank=False)
    text = models.TextField("内部备注", max_length=5000)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta(SubmissionPart.Meta):
        verbose_name = verbose_name_plural = "内部备注"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:30]


class Reply(SubmissionPart):
    """One dated answer (答复/办理意见) to the submitter: kept as written, shown on 受理查询 and
    mailed once (`emailed_at` records when; the task never sends a reply twice)."""

    author = staff_member("答复人")
    text = models.TextField("答复内容", max_length=5000)
    created_at = models.DateTimeField("答复时间", default=timezone.now)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta(SubmissionPart.Meta):
        verbose_name = verbose_name_plural = "答复"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:30]


class DeadlineExtension(SubmissionPart):
    """An officer moving a submission's deadline (办理期限) later, with the reason the submitter sees."""

    previous_date = models.DateField("原办理期限")
    new_date = models.DateField("延长至")
    reason = models.TextField("延期原因", max_length=500)
    extended_by = staff_member("操作人")
    created_at = models.DateTimeField("时间", default=timezone.now)
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)

    class Meta(SubmissionPart.Meta):
        verbose_name = verbose_name_plural = "延期记录"
        ordering = ["created_at", "id"]
        # The shared "%(class)s_submission_idx" would pass the 30 characters an index name may have.
        indexes = [models.Index(fields=["content_type", "object_id"], name="extension_submission_idx")]

    def __str__(self):
        return f"办理期限延长至{self.new_date_label}"

    @property
    def new_date_label(self):
        return deadlines.day_label(self.new_date)

    @property
    def previous_date_label(self):
        return deadlines.day_label(self.previous_date)
