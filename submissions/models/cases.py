"""The cases the office receives: the shared `Submission`, its three kinds and their numbering.

Each submission carries a tracking number (受理编号, counted per prefix and day by
`TrackingCounter`) and the hash of a secret query code (查询码), a status with a recorded
history, a deadline (办理期限) that officers may extend, an assignee and a version guarding
against stale saves. `Contribution` (投稿), `EntryRequest` (企业入驻) and `ContactMessage` (留言)
share all of that through `Submission`; what hangs off a case is in `submissions.models.parts`.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.functional import classproperty

from newsportal.fields import staff_member
from submissions import deadlines

# Imported ahead of the cases so the app registers its models in the order it always has.
from submissions.ratelimit_models import RateLimitCounter  # noqa: F401 (the cache-down rate-limit counts)


class TrackingCounter(models.Model):
    """The last tracking number handed out for one prefix on one (local) day."""

    prefix = models.CharField(max_length=4)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "受理编号计数"
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="tracking_counter_prefix_day")]

    def __str__(self):
        return f"{self.prefix}-{self.day:%Y%m%d}: {self.value}"


class SubmissionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=self.model.CLOSED_STATUSES)

    def overdue(self, today=None):
        """Still open after the last day of its deadline (days as in Beijing)."""
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def not_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.exclude(pk__in=self.overdue(today).values("pk"))


def _status_field(status, initial):
    """A submission's status: one of its kind's `Status` choices, starting at `initial`."""
    return models.CharField("状态", max_length=12, choices=status.choices, default=initial, db_index=True)


class Submission(models.Model):
    """The fields and rules shared by every kind of submission.

    Subclasses define `Status`, `TRACKING_PREFIX`, `INITIAL_STATUS`, `CLOSED_STATUSES`,
    `TRANSITIONS` (status -> statuses it may move to) and a `status` field made by
    `_status_field`; their verbose name is the `KIND_LABEL` shown to submitters.
    """

    tracking_number = models.CharField("受理编号", max_length=24, unique=True, editable=False)
    query_code_hash = models.CharField("查询码摘要", max_length=200, editable=False)
    # SHA-256 of the one-time form token: a double submission hits the unique constraint.
    form_token = models.CharField(max_length=64, unique=True, editable=False)
    assignee = staff_member("经办人")
    received_at = models.DateTimeField("受理时间", default=timezone.now, db_index=True, editable=False)
    # The last working day to answer on (submissions.deadlines); officers may extend it.
    due_date = models.DateField("办理期限", editable=False, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = staff_member("最后修改人", editable=False)
    # Bumped on every save: a processing form loaded at version N cannot overwrite N+1 (stale save).
    version = models.PositiveIntegerField("版本号", default=1, editable=False)
    submitter_ip = models.GenericIPAddressField("提交 IP", null=True, blank=True, editable=False)

    attachments = GenericRelation("submissions.Attachment")
    status_changes = GenericRelation("submissions.StatusChange")
    notes = GenericRelation("submissions.InternalNote")
    replies = GenericRelation("submissions.Reply")
    extensions = GenericRelation("submissions.DeadlineExtension")

    objects = SubmissionQuerySet.as_manager()

    TRACKING_PREFIX = ""
    INITIAL_STATUS = ""
    CLOSED_STATUSES = frozenset()
    TRANSITIONS = {}

    class Meta:
        abstract = True
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.tracking_number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)

    @classproperty
    def KIND_LABEL(cls):  # read like the other class constants
        """What the submitter sent, as named on receipts and e-mails: 投稿, 企业入驻申请, 留言."""
        return cls._meta.verbose_name

    @property
    def is_closed(self):
        return self.status in self.CLOSED_STATUSES

    @property
    def is_overdue(self):
        return not self.is_closed and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def due_label(self):
        """The deadline as shown everywhere: 12月3日前."""
        return deadlines.due_label(self.due_date)

    @property
    def submitter_name(self):
        return self.name

    @property
    def submitter_email(self):
        """Where receipts and replies go; empty when the submitter left none."""
        return self.email

    @property
    def submitter_phone(self):
        """The telephone number the submitter left, if any."""
        return self.phone

    @property
    def model_label(self):
        return self._meta.label_lower

    def allowed_statuses(self):
        """The current status and those it may move to, in declaration order."""
        allowed = {self.status, *self.TRANSITIONS.get(self.status, ())}
        return [value for value in self.Status.values if value in allowed]


class Contribution(Submission):
    """A story or lead sent in by a reader (投稿)."""

    class Status(models.TextChoices):
        NEW = "new", "新投稿"
        PROCESSING = "processing", "处理中"
        ACCEPTED = "accepted", "已采用"
        REJECTED = "rejected", "未采用"

    TRACKING_PREFIX = "TG"
    INITIAL_STATUS = Status.NEW
    CLOSED_STATUSES = frozenset({Status.ACCEPTED, Status.REJECTED})
    TRANSITIONS = {
        Status.NEW: {Status.PROCESSING, Status.ACCEPTED, Status.REJECTED},
        Status.PROCESSING: {Status.ACCEPTED, Status.REJECTED},
        # A decision can be reopened when it was taken by mistake.
        Status.ACCEPTED: {Status.PROCESSING},
        Status.REJECTED: {Status.PROCESSING},
    }

    status = _status_field(Status, INITIAL_STATUS)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号码", max_length=11)
    email = models.EmailField("电子邮箱", max_length=254)
    organization = models.CharField("单位", max_length=100, blank=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文", max_length=20000)
    region = models.ForeignKey(
        "articles.Region", verbose_name="所属区域", on_delete=models.PROTECT, related_name="contributions"
    )
    terms_accepted_at = models.DateTimeField("同意投稿须知时间", editable=False)
    article = models.OneToOneField(
        "articles.Article",
        verbose_name="文章草稿",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contribution",
        editable=False,
    )

    class Meta(Submission.Meta):
        verbose_name = verbose_name_plural = "投稿"

    def __str__(self):
        return f"{self.tracking_number} {self.title}"


class EntryRequest(Submission):
    """An enterprise asking to set up in a Beijing district or park (企业入驻)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已受理"
        ASSIGNED = "assigned", "已分派"
        NEGOTIATING = "negotiating", "洽谈中"
        LANDED = "landed", "已落地"
        CLOSED = "closed", "已关闭"

    TRACKING_PREFIX = "RZ"
    INITIAL_STATUS = Status.RECEIVED
    CLOSED_STATUSES = frozenset({Status.LANDED, Status.CLOSED})
    TRANSITIONS = {
        Status.RECEIVED: {Status.ASSIGNED, Status.NEGOTIATING, Status.CLOSED},
        Status.ASSIGNED: {Status.NEGOTIATING, Status.CLOSED},
        Status.NEGOTIATING: {Status.LANDED, Status.CLOSED},
        Status.LANDED: {Status.NEGOTIATING},
        Status.CLOSED: {Status.ASSIGNED, Status.NEGOTIATING},
    }

    status = _status_field(Status, INITIAL_STATUS)
    company_name = models.CharField("企业名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    contact_name = models.CharField("联系人", max_length=50)
    phone = models.CharField("手机号码", max_length=11)
    email = models.EmailField("电子邮箱", max_length=254)
    industry = models.ForeignKey(
        "articles.Industry", verbose_name="所属行业", on_delete=models.PROTECT, related_name="entry_requests"
    )
    region = models.ForeignKey(
        "articles.Region", verbose_name="意向区域", on_delete=models.PROTECT, related_name="entry_requests"
    )
    investment_amount = models.DecimalField("计划投资额（万元）", max_digits=12, decimal_places=2)
    employee_count = models.PositiveIntegerField("员工人数")
    requirements = models.TextField("需求说明", max_length=5000)

    class Meta(Submission.Meta):
        verbose_name = verbose_name_plural = "企业入驻申请"

    def __str__(self):
        return f"{self.tracking_number} {self.company_name}"

    @property
    def submitter_name(self):
        return self.contact_name


class ContactMessage(Submission):
    """A message left on the 联系我们 page."""

    class Status(models.TextChoices):
        NEW = "new", "已收到"
        PROCESSING = "processing", "处理中"
        DONE = "done", "已办结"

    TRACKING_PREFIX = "LX"
    INITIAL_STATUS = Status.NEW
    CLOSED_STATUSES = frozenset({Status.DONE})
    TRANSITIONS = {
        Status.NEW: {Status.PROCESSING, Status.DONE},
        Status.PROCESSING: {Status.DONE},
        Status.DONE: {Status.PROCESSING},
    }

    status = _status_field(Status, INITIAL_STATUS)
    name = models.CharField("姓名", max_length=50)
    contact = models.CharField("联系方式", max_length=254)
    email = models.EmailField("回复邮箱", max_length=254, blank=True, editable=False)
    message = models.TextField("留言", max_length=2000)

    class Meta(Submission.Meta):
        verbose_name = verbose_name_plural = "留言"

    def __str__(self):
        return f"{self.tracking_number} {self.name}"

    @property
    def submitter_phone(self):
        # `contact` holds the e-mail address when one was left, else the telephone number.
        return "" if self.email else self.contact
