"""Model-layer rules that must hold however an article is changed (admin, import, shell)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from articles.models import Article, ArticleAttachment


@receiver(m2m_changed, sender=Article.regions.through)
def add_region_ancestors(sender, instance, action, reverse, **kwargs):
    """A story filed under a park also belongs to its district, so district pages show it."""
    if reverse or action not in {"post_add", "post_remove"}:
        return
    chosen = list(instance.regions.select_related("parent__parent"))
    missing = {a.pk for r in chosen for a in r.ancestors()} - {r.pk for r in chosen}
    if missing:
        instance.regions.add(*missing)


@receiver(post_delete, sender=ArticleAttachment)
def delete_attachment_file(sender, instance, **kwargs):
    """A removed attachment (or a deleted story's) takes its file along, once that is committed."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
