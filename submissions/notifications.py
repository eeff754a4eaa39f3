"""E-mails about submissions: the submitter's receipt, the staff notice and public replies.

They are sent by tasks (submissions.tasks) queued with transaction.on_commit, so nothing is
mailed about data that was rolled back, and a slow mail server never holds up a request.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def _context(submission):
    return {
        "submission": submission,
        "kind": submission.KIND_LABEL,
        "site_name": settings.SITE_NAME,
        "track_url": settings.SITE_URL.rstrip("/") + reverse("submissions:track"),
    }


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
        "admin_url": settings.SITE_URL.rstrip("/")
        + reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[submission.pk]),
    }
    summary = " ".join(str(submission).split())  # a header: no line breaks from user input
    subject = f"【新{submission.KIND_LABEL}】{summary}"[:150]
    body = render_to_string("submissions/email/staff_notice.txt", context)
    return send_mail(subject, body, None, recipients)


def send_reply(submission):
    """Send the office's public reply to the submitter."""
    if not submission.submitter_email or not submission.public_reply.strip():
        return 0
    subject = f"【{settings.SITE_NAME}】您的{submission.KIND_LABEL}有新的答复（受理编号 {submission.tracking_number}）"
    body = render_to_string("submissions/email/reply.txt", _context(submission))
    return send_mail(subject, body, None, [submission.submitter_email])
