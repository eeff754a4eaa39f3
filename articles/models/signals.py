"""Model-layer rules that must hold however an article is changed (admin, import, shell)."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from articles.models import Article


@receiver(m2m_changed, sender=Article.regions.through)
def add_region_ancestors(sender, instance, action, reverse, **kwargs):
    """A story filed under a park also belongs to its district, so district pages show it."""
    if reverse or action not in {"post_add", "post_remove"}:
        return
    chosen = list(instance.regions.select_related("parent__parent"))
    missing = {a.pk for r in chosen for a in r.ancestors()} - {r.pk for r in chosen}
    if missing:
        instance.regions.add(*missing)
