"""Background work (django.tasks): e-mails about submissions, queued after commit.

Each task names the record it is about (a submission, a reply, a status change, an extension)
and is safe to run again: what was mailed is recorded, and a retry never mails it twice.
A failure (mail server down) raises, so the backend logs it and a worker backend retries it.
"""

from django.apps import apps
from django.tasks import task

from submissions import notifications


def _load(model_label, pk):
    return apps.get_model(model_label).objects.filter(pk=pk).first()


@task
def submission_received(model_label, pk):
    """Receipt to the submitter and a notice to staff for a newly saved submission."""
    submission = _load(model_label, pk)
    if submission is None:  # deleted before the task ran
        return 0
    return notifications.send_receipt(submission) + notifications.notify_staff(submission)


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
