"""E-mails about submissions: the submitter's receipt, the staff notice, and the submitter's
notices of each reply, status change and extended deadline.

They are sent by tasks (submissions.tasks) queued with transaction.on_commit, so nothing is
mailed about data that was rolled back, and a slow mail server never holds up a request.
A reply, status change or extension is mailed at most once: the record is locked, mailed and
stamped in one transaction, so a retried task finds the stamp; a failed send rolls the stamp
back and raises, for the task backend to log and retry.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsportal.links import site_url
from submissions.models import DeadlineExtension, Reply, StatusChange


def _context(submission, **extra):
    return {
        "submission": submission,
        "kind": submission.KIND_LABEL,
        "site_name": settings.SITE_NAME,
        "track_url": site_url(reverse("submissions:track")),
        **extra,
    }


def _subject(submission, what):
    return f"【{settings.SITE_NAME}】您的{submission.KIND_LABEL}{what}（受理编号 {submission.tracking_number}）"


def send_receipt(submission):
    """Tell the submitter their request arrived, with its tracking number (never the query code)."""
    if not submission.submitter_email:
        return 0
    subject = f"【{settings.SITE_NAME}】已收到您的{submission.KIND_LABEL}（受理编号 {submission.tracking_number}）"
    body = render_to_string("submissions/email/receipt.txt", _context(submission))
    return send_mail(subject, body, None, [submission.submitter_email])


def notify_staff(submission):
    recipients = settings.SUBMISSIONS_NOTIFY_EMAIL
    if not recipients:
        return 0
    meta = submission._meta
    context = _context(submission) | {
        "admin_url": site_url(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[submission.pk])),
    }
    summary = " ".join(str(submission).split())  # a header: no line breaks from user input
    subject = f"【新{submission.KIND_LABEL}】{summary}"[:150]
    body = render_to_string("submissions/email/staff_notice.txt", context)
    return send_mail(subject, body, None, recipients)


def _unsent(model, pk, stamp):
    """The record `pk` of `model`, locked until commit (PostgreSQL), unless missing or already stamped."""
    record = model.objects.select_for_update().filter(pk=pk).first()
    if record is None or getattr(record, stamp) is not None:
        return None
    return record


def _mail_submitter(submission, what, template, **extra):
    body = render_to_string(template, _context(submission, **extra))
    return send_mail(_subject(submission, what), body, None, [submission.submitter_email])


def send_reply(reply_id, status_change_id=None):
    """Mail reply `reply_id` to the submitter once; a status change saved with it rides along."""
    with transaction.atomic():
        reply = _unsent(Reply, reply_id, "emailed_at")
        submission = reply and reply.submission
        if submission is None or not submission.submitter_email:
            return 0
        change = _unsent(StatusChange, status_change_id, "notified_at") if status_change_id else None
        sent = _mail_submitter(submission, "有新的答复", "submissions/email/reply.txt", reply=reply, change=change)
        now = timezone.now()
        Reply.objects.filter(pk=reply.pk).update(emailed_at=now)
        if change is not None:
            StatusChange.objects.filter(pk=change.pk).update(notified_at=now)
    return sent


def send_status_change(status_change_id):
    """Tell the submitter of status change `status_change_id` once (not of the first status:
    the receipt does that)."""
    with transaction.atomic():
        change = _unsent(StatusChange, status_change_id, "notified_at")
        submission = change and change.submission
        if submission is None or not change.from_status or not submission.submitter_email:
            return 0
        what = f"状态已更新为“{change.to_label}”"
        sent = _mail_submitter(submission, what, "submissions/email/status_change.txt", change=change)
        StatusChange.objects.filter(pk=change.pk).update(notified_at=timezone.now())
    return sent


def send_extension(extension_id):
    """Tell the submitter of deadline extension `extension_id` once, with its reason."""
    with transaction.atomic():
        extension = _unsent(DeadlineExtension, extension_id, "notified_at")
        submission = extension and extension.submission
        if submission is None or not submission.submitter_email:
            return 0
        sent = _mail_submitter(submission, "办理期限已延长", "submissions/email/extension.txt", extension=extension)
        DeadlineExtension.objects.filter(pk=extension.pk).update(notified_at=timezone.now())
    return sent
