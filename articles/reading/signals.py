"""The reading site's caches follow every change readers could see.

The navigation follows region and channel edits and 站点信息 (the footer); the page cache (articles.reading.cache) follows
stories, their classifications, topics, tags, images and attachments; a story page's kept parts
(articles.reading.story_parts) follow the story, its links, and what every story's parts show. A story that is not and was
not published (a draft edited in place) changes no public page. Unpublished changes to a live
story (articles.newsroom.drafts) touch only their ArticleDraft row: the page changes when
发布修改 saves the story itself — except that scheduling them moves the clock the cache keeps.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleAttachment,
    ArticleDraft,
    Channel,
    Image,
    Industry,
    Region,
    SiteInfo,
    Status,
    Topic,
    TopicEntry,
)
from articles.reading import cache as page_cache
from articles.reading import navigation, story_parts
from articles.reading import tasks as reading_tasks


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Channel)
@receiver([post_save, post_delete], sender=SiteInfo)
def refresh_navigation(**kwargs):
    # Again after commit: a reader between the two would otherwise cache the old rows for an hour.
    navigation.invalidate()
    transaction.on_commit(navigation.invalidate, robust=True)


@receiver(pre_save, sender=Article)
def note_if_was_published(sender, instance, **kwargs):
    """Remember whether a story leaving the published status was public (a take-down)."""
    if instance.pk is not None and instance.status != Status.PUBLISHED:
        instance._page_cache_was_published = Article.objects.filter(pk=instance.pk, status=Status.PUBLISHED).exists()


@receiver([post_save, post_delete], sender=Article)
def refresh_pages_for_story(sender, instance, **kwargs):
    # Published covers live, scheduled and expired stories: all move the next scheduled event.
    if instance.status == Status.PUBLISHED or getattr(instance, "_page_cache_was_published", False):
        page_cache.invalidate()


@receiver(post_save, sender=Article)
def redraw_share_card(sender, instance, raw=False, **kwargs):
    """A published story's card shows its title, date and regions: drawn anew by a worker."""
    if not raw and instance.status == Status.PUBLISHED:
        reading_tasks.share_card_after_commit(instance.pk)


@receiver(m2m_changed, sender=Article.regions.through)
def redraw_share_card_for_regions(sender, instance, action, reverse, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and not reverse and instance.status == Status.PUBLISHED:
        reading_tasks.share_card_after_commit(instance.pk)


@receiver(m2m_changed, sender=Article.regions.through)
@receiver(m2m_changed, sender=Article.industries.through)
@receiver(m2m_changed, sender=Article.tags.through)
@receiver(m2m_changed, sender=Topic.articles.through)
def refresh_pages_for_relations(sender, instance, action, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Article) and instance.status != Status.PUBLISHED:
        return
    page_cache.invalidate()


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Channel)
@receiver([post_save, post_delete], sender=Industry)
@receiver([post_save, post_delete], sender=Topic)
@receiver([post_save, post_delete], sender=TopicEntry)
@receiver([post_save, post_delete], sender=ArticleAttachment)
@receiver([post_save, post_delete], sender=SiteInfo)
def refresh_pages(**kwargs):
    page_cache.invalidate()


@receiver([post_save, post_delete], sender=TaggedItem)
def refresh_pages_for_tagging(sender, instance, created=False, **kwargs):
    """A tag merge moves and deletes taggings one by one, without m2m_changed (which tagging a
    story sends: a new tagging leaves the page cache to it)."""
    if instance.content_type_id != ContentType.objects.get_for_model(Article).pk:
        return
    story_parts.story_changed(instance.object_id)
    if not created and Article.objects.filter(pk=instance.object_id, status=Status.PUBLISHED).exists():
        page_cache.invalidate()


@receiver([post_save, post_delete], sender=Tag)
@receiver([post_save, post_delete], sender=Image)
def refresh_pages_unless_new(created=False, **kwargs):
    """A new tag or image is on no page yet; a renamed tag or a changed image may be."""
    if not created:
        page_cache.invalidate()


@receiver([post_save, post_delete], sender=ArticleDraft)
def refresh_pages_for_scheduled_changes(sender, instance, **kwargs):
    """A scheduled change moves the moment cached pages must expire (page_cache.next_event)."""
    if instance.go_live_at is not None:
        page_cache.invalidate()


# ---------- a story page's kept parts (articles.reading.story_parts) ----------


@receiver([post_save, post_delete], sender=Article)
def refresh_story_parts(sender, instance, **kwargs):
    # updated_at names a saved row already, but not a save limited to some fields (a publication).
    story_parts.story_changed(instance.pk)


@receiver(m2m_changed, sender=Article.regions.through)
@receiver(m2m_changed, sender=Article.industries.through)
@receiver(m2m_changed, sender=Article.tags.through)
def refresh_story_parts_for_links(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        story_parts.story_changed(instance.pk)
    elif pk_set:  # a region's or tag's stories changed from its side
        story_parts.story_changed(*pk_set)
    elif action == "post_clear":  # which stories is no longer known
        story_parts.shared_changed()


@receiver([post_save, post_delete], sender=ArticleAttachment)
def refresh_story_parts_for_attachment(sender, instance, **kwargs):
    story_parts.story_changed(instance.article_id)


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Channel)
@receiver([post_save, post_delete], sender=Tag)
@receiver([post_save, post_delete], sender=Image)
def refresh_all_story_parts(created=False, **kwargs):
    if not created:  # a new region, tag or image is in no story's parts yet
        story_parts.shared_changed()


@receiver([post_save, post_delete], sender=get_user_model())
def refresh_story_parts_for_user(sender, created=False, update_fields=None, **kwargs):
    """A name shown as 责任编辑; a new user, or signing in (last_login), shows nothing new."""
    if not created and (update_fields is None or set(update_fields) - {"last_login", "password"}):
        story_parts.shared_changed()
