"""The cached navigation follows region and channel edits."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Channel, Region
from articles.reading import navigation


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=Channel)
def refresh_navigation(**kwargs):
    navigation.invalidate()
