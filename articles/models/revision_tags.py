"""The tags of an article as each revision saved them.

django-reversion keeps the row and its regions/industries; taggit's tags go through a
generic through model it does not follow, so each article version records its tag names
here (`articles.newsroom.revisions` writes and restores them).
"""

from django.db import models
from reversion.models import Version


class VersionTags(models.Model):
    version = models.OneToOneField(Version, on_delete=models.CASCADE, related_name="article_tags")
    names = models.JSONField("标签", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "版本标签"

    def __str__(self):
        return "、".join(self.names)
