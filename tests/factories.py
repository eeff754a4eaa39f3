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


def newsroom_user(role, password="correct horse 42", **kwargs):
    """A staff user in one of the newsroom groups (撰稿人, 编辑, 总编辑) made by migration 0004."""
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True, **kwargs)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "articles.Image"

    file = factory.django.ImageField(width=1400, height=800, format="JPEG", filename="photo.jpg", color="teal")
    alt_text = factory.Sequence(lambda n: f"中关村园区航拍{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "articles.Topic"

    title = factory.Sequence(lambda n: f"专题{n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    is_published = True
