"""Background work for the newsroom (django.tasks): workflow e-mails.

A workflow step queues one task after commit (articles.newsroom.workflow), and the task sends one
message (to everyone concerned at once). A mail server that fails makes the task fail: the step
stands, the failure is logged, and with a worker (TASKS_BACKEND=database) the task runs again
after a backoff (newsportal.tasks), so the notice arrives once the server is back. Nothing is
sent before the failure, so a retry never mails twice.
"""

from django.contrib.auth import get_user_model
from django.tasks import task

from articles.models import Article
from articles.newsroom import notifications

# The moves someone is told about (see articles.newsroom.notifications).
NOTIFIED = frozenset(notifications.SUBJECTS)


@task
def send_transition_mail(article_id, name, actor_id, note=""):
    """E-mail the people concerned by a workflow step; 0 when the story is gone or nobody is."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return notifications.send(article, name, actor, note)
