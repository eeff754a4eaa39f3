"""Background work (django.tasks): e-mails about submissions, queued after commit."""

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
def reply_published(model_label, pk):
    submission = _load(model_label, pk)
    if submission is None:
        return 0
    return notifications.send_reply(submission)
