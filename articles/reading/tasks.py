"""Background work of the reading site (django.tasks)."""

import logging

from django.tasks import task

from articles.reading import view_counts
from newsportal.tasks import enqueue_on_commit, uses_worker

logger = logging.getLogger(__name__)


@task
def flush_view_counts():
    """Move the views waiting in the cache into `Article.view_count` (see articles.reading.view_counts).

    A failed write puts the views back in the cache and raises, so a worker backend retries.
    """
    return view_counts.flush()


def flush_view_counts_if_due():
    """Enqueue `flush_view_counts` unless one was enqueued in the last VIEW_COUNT_FLUSH_SECONDS.

    Called by every counted view; never raises, as a reader's beacon must not fail over it
    (the views wait in the cache for the next flush, or the command's). With task workers
    (TASKS_BACKEND=database) nothing is enqueued: the workers flush every VIEW_COUNT_FLUSH_SECONDS
    on their own (newsportal.worker), so the queue does not fill with flushes.
    """
    try:
        if not uses_worker() and view_counts.flush_is_due():
            flush_view_counts.enqueue()
    except Exception:
        logger.warning("Could not enqueue a flush of the view counts.", exc_info=True)


@task
def draw_share_card(article_id):
    """Draw and store the share card of a published story (share.card_png) before any crawler asks.

    Only with task workers (`share_card_after_commit`): the page's og:image then answers from
    storage at once. Without them the first request draws it. A story taken down (or deleted)
    meanwhile is skipped.
    """
    from articles.models import Article, Status
    from articles.reading import share

    article = (
        Article.objects.filter(pk=article_id, status=Status.PUBLISHED)
        .prefetch_related("regions")
        .only("id", "title", "publish_at", "updated_at")
        .first()
    )
    if article is not None:
        share.card_png(article)


def share_card_after_commit(article_id):
    """Queue `draw_share_card` once the story's change commits, when a worker will run it."""
    if uses_worker():
        enqueue_on_commit(draw_share_card, article_id)
