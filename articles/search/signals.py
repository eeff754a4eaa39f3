"""Keeping search documents current: rebuilt after commit whenever what they hold changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from articles.models import Article, Channel, Region
from articles.search import documents, segmentation, vocabulary
from newsportal.tasks import enqueue_on_commit


def reindex_after_commit(article_ids):
    """Rebuild these articles' documents once the transaction commits (e.g. after a tag merge)."""
    for article_id in article_ids:
        enqueue_on_commit(documents.reindex_article, article_id)


@receiver(post_save, sender=Article)
def reindex_saved_article(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_on_commit(documents.reindex_article, instance.pk)


@receiver(m2m_changed, sender=Article.regions.through)
@receiver(m2m_changed, sender=Article.industries.through)
@receiver(m2m_changed, sender=Article.tags.through)
def reindex_relabelled_article(sender, instance, action, reverse, **kwargs):
    """Tags, regions and industries are part of the document."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse or not isinstance(instance, Article):
        for article_id in kwargs.get("pk_set") or ():
            enqueue_on_commit(documents.reindex_article, article_id)
    else:
        enqueue_on_commit(documents.reindex_article, instance.pk)


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Channel)
def refresh_place_words(sender, instance, **kwargs):
    """Region and channel names and aliases are search words (and part of their stories' documents)."""
    segmentation.forget_region_words()
    vocabulary.forget()
    if kwargs.get("created") is False:
        reindex = documents.reindex_region if sender is Region else documents.reindex_channel
        enqueue_on_commit(reindex, instance.pk)


@receiver([post_save, post_delete], sender=Tag)
def refresh_tag_words(sender, instance, **kwargs):
    """Tag names are part of the vocabulary that pinyin and suggestions draw on."""
    vocabulary.forget()
