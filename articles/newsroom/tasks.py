"""Background work for the newsroom (django.tasks): workflow e-mails."""

import logging
import smtplib

from django.contrib.auth import get_user_model
from django.tasks import task

from articles.models import Article
from articles.newsroom import notifications

logger = logging.getLogger(__name__)

# The moves someone is told about (see articles.newsroom.notifications).
NOTIFIED = frozenset(notifications.SUBJECTS)


@task
def send_transition_mail(article_id, name, actor_id, note=""):
    """E-mail the people concerned by a workflow step; 0 when the story is gone or nobody is."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return notifications.send(article, name, actor, note)
    except (smtplib.SMTPException, OSError):
        logger.exception("Workflow notice %s for article %s was not sent", name, article_id)
        return 0
