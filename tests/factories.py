import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Channel, Industry, Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "编辑"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"channel-{n}")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry

    name = factory.Sequence(lambda n: f"产业{n}")
    slug = factory.Sequence(lambda n: f"industry-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"北京招商引资新闻第{n}篇")
    body = "<p>正文第一段。</p><h2>一、政策背景</h2><p>第二段。</p><h2>二、实施路径</h2><p>第三段。</p>"
    source = "北京招商资讯网"
    author = "本网记者"
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    channel = factory.SubFactory(ChannelFactory)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)

    @factory.post_generation
    def industries(self, create, extracted, **kwargs):
        if create and extracted:
            self.industries.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
