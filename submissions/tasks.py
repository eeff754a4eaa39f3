"""Background work (django.tasks): e-mails about submissions, queued after commit.

Each task sends at most one message, names the record it is about (a submission, a reply, a
status change, an extension) and is safe to run again: what was mailed is stamped, so a retry
never mails it twice. A failure (mail server down) raises, so the backend logs it and, with a
worker (TASKS_BACKEND=database), the task runs again after a backoff (newsportal.tasks) until
the mail server is back.
"""

from django.apps import apps
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from submissions import notifications
from submissions.models import StatusChange


def _load(model_label, pk):
    return apps.get_model(model_label).objects.filter(pk=pk).first()


@task
def submission_received(model_label, pk):
    """Queue the receipt to the submitter and the notice to staff for a newly saved submission.

    Two tasks, so that each is retried on its own: a receipt the mail server refuses neither
    holds up the staff notice nor sends it twice, and the other way round.
    """
    with transaction.atomic():  # both queued, or (to be retried) neither
        send_receipt.enqueue(model_label, pk)
        notify_staff.enqueue(model_label, pk)


@task
def send_receipt(model_label, pk):
    """The submitter's receipt, once: stamped as the 通知时间 of the submission's first status."""
    with transaction.atomic():
        submission = _load(model_label, pk)
        if submission is None or not submission.submitter_email:  # deleted, or no address left
            return 0
        first = submission.status_changes.select_for_update().filter(from_status="").order_by("pk").first()
        if first is not None and first.notified_at is not None:
            return 0
        sent = notifications.send_receipt(submission)
        if first is not None:
            StatusChange.objects.filter(pk=first.pk).update(notified_at=timezone.now())
    return sent


@task
def notify_staff(model_label, pk):
    """The notice of a new submission to the staff addresses (SUBMISSIONS_NOTIFY_EMAIL)."""
    submission = _load(model_label, pk)
    return 0 if submission is None else notifications.notify_staff(submission)


@task
def reply_published(reply_id, status_change_id=None):
    """Mail one reply (and the status change saved with it, if any) to the submitter, once."""
    return notifications.send_reply(reply_id, status_change_id)


@task
def status_changed(status_change_id):
    """Tell the submitter their submission moved to a new status, once."""
    return notifications.send_status_change(status_change_id)


@task
def deadline_extended(extension_id):
    """Tell the submitter the deadline was extended and why, once."""
    return notifications.send_extension(extension_id)
