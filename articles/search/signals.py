"""Keeping search documents current: rebuilt after commit whenever what they hold changes."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from articles.models import Article, Channel, Region
from articles.search import documents, segmentation, vocabulary


class _EnqueueOnCommit:
    """The on-commit callback for one task and object, recognisable while it is pending."""

    def __init__(self, task, object_id):
        self.task, self.object_id, self.done = task, object_id, False
        self.key = (task.name, object_id)

    def __call__(self):
        self.done = True
        self.task.enqueue(self.object_id)


def _after_commit(task, object_id):
    """Enqueue `task` once the transaction commits, once per object however many signals fire.

    Saving an article in the admin sends post_save and an m2m signal for each of tags,
    regions and industries; one rebuild of its search document covers them all. Pending
    callbacks are read from the connection, so a rolled-back savepoint drops its own.
    """
    callback = _EnqueueOnCommit(task, object_id)
    pending = transaction.get_connection().run_on_commit
    if any(getattr(other, "key", None) == callback.key and not other.done for _, other, _ in pending):
        return
    transaction.on_commit(callback)


def reindex_after_commit(article_ids):
    """Rebuild these articles' documents once the transaction commits (e.g. after a tag merge)."""
    for article_id in article_ids:
        _after_commit(documents.reindex_article, article_id)


@receiver(post_save, sender=Article)
def reindex_saved_article(sender, instance, raw=False, **kwargs):
    if not raw:
        _after_commit(documents.reindex_article, instance.pk)


@receiver(m2m_changed, sender=Article.regions.through)
@receiver(m2m_changed, sender=Article.industries.through)
@receiver(m2m_changed, sender=Article.tags.through)
def reindex_relabelled_article(sender, instance, action, reverse, **kwargs):
    """Tags, regions and industries are part of the document."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse or not isinstance(instance, Article):
        for article_id in kwargs.get("pk_set") or ():
            _after_commit(documents.reindex_article, article_id)
    else:
        _after_commit(documents.reindex_article, instance.pk)


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Channel)
def refresh_place_words(sender, instance, **kwargs):
    """Region and channel names and aliases are search words (and part of their stories' documents)."""
    segmentation.forget_region_words()
    vocabulary.forget()
    if kwargs.get("created") is False:
        reindex = documents.reindex_region if sender is Region else documents.reindex_channel
        _after_commit(reindex, instance.pk)


@receiver([post_save, post_delete], sender=Tag)
def refresh_tag_words(sender, instance, **kwargs):
    """Tag names are part of the vocabulary that pinyin and suggestions draw on."""
    vocabulary.forget()
