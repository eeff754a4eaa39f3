"""The content model, one module per concern; import the models from here."""

from articles.models.article import Article, ArticleTransition
from articles.models.attachment import ArticleAttachment
from articles.models.draft import ArticleDraft
from articles.models.image import Image, ImageUsage
from articles.models.publication import ArticleQuerySet, PublicationState, Status
from articles.models.revision_tags import VersionTags
from articles.models.site import SiteInfo
from articles.models.taxonomy import Channel, Industry, Region
from articles.models.topic import Topic, TopicEntry

__all__ = [
    "Article",
    "ArticleAttachment",
    "ArticleDraft",
    "ArticleQuerySet",
    "ArticleTransition",
    "Channel",
    "Image",
    "ImageUsage",
    "Industry",
    "PublicationState",
    "Region",
    "SiteInfo",
    "Status",
    "Topic",
    "TopicEntry",
    "VersionTags",
]
