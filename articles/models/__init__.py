"""The content model, one module per concern; import the models from here."""

from articles.models.article import Article, ArticleTransition
from articles.models.image import Image
from articles.models.publication import ArticleQuerySet, PublicationState, Status
from articles.models.taxonomy import Channel, Industry, Region
from articles.models.topic import Topic, TopicEntry

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleTransition",
    "Channel",
    "Image",
    "Industry",
    "PublicationState",
    "Region",
    "Status",
    "Topic",
    "TopicEntry",
]
