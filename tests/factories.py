"""Model factories: the newsroom's stories, terms and users, and the three kinds of submission."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Channel, Industry, Region
from submissions import tracking
from submissions.models import ContactMessage, Contribution, EntryRequest
from tests.helpers import PASSWORD, QUERY_CODE, valid_credit_code


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "编辑"


def _term_factory(model, label, slug_prefix):
    """A factory for a taxonomy term: a numbered Chinese name (区域0, …) and a matching slug (region-0, …)."""
    return factory.make_factory(
        model,
        FACTORY_CLASS=factory.django.DjangoModelFactory,
        name=factory.Sequence(lambda n: f"{label}{n}"),
        slug=factory.Sequence(lambda n: f"{slug_prefix}-{n}"),
    )


RegionFactory = _term_factory(Region, "区域", "region")
ChannelFactory = _term_factory(Channel, "栏目", "channel")
IndustryFactory = _term_factory(Industry, "产业", "industry")


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


def newsroom_user(role, password=PASSWORD, **kwargs):
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


# ----- submissions -----

_QUERY_CODE_HASH = tracking.hash_query_code(QUERY_CODE)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """What every kind of submission has: a query code (QUERY_CODE), a form token and a deadline."""

    query_code_hash = _QUERY_CODE_HASH
    form_token = factory.Sequence(lambda n: f"{n:064x}")
    received_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyAttribute(lambda o: timezone.localdate(o.received_at) + datetime.timedelta(days=7))


def _submission_factory(model, **declarations):
    """A factory for one kind of submission, numbered with the model's own prefix: TG-20261125-000001, …"""
    return factory.make_factory(
        model,
        FACTORY_CLASS=SubmissionFactory,
        tracking_number=factory.Sequence(lambda n: f"{model.TRACKING_PREFIX}-20261125-{n + 1:06d}"),
        **declarations,
    )


ContributionFactory = _submission_factory(
    Contribution,
    name="张三",
    phone="13800138000",
    email=factory.Sequence(lambda n: f"author{n}@example.com"),
    title=factory.Sequence(lambda n: f"中关村新项目落地第{n}篇"),
    body="第一段：项目概况。\n\n第二段：投资额与就业。",
    region=factory.SubFactory(RegionFactory),
    terms_accepted_at=factory.LazyFunction(timezone.now),
)

EntryRequestFactory = _submission_factory(
    EntryRequest,
    company_name=factory.Sequence(lambda n: f"北京示例科技有限公司{n}"),
    credit_code=factory.LazyFunction(valid_credit_code),
    contact_name="李四",
    phone="13900139000",
    email=factory.Sequence(lambda n: f"company{n}@example.com"),
    industry=factory.SubFactory(IndustryFactory),
    region=factory.SubFactory(RegionFactory),
    investment_amount="5000.00",
    employee_count=120,
    requirements="需要 2000 平方米研发办公用房，咨询人才落户政策。",
    status=EntryRequest.Status.RECEIVED,
)

ContactMessageFactory = _submission_factory(
    ContactMessage,
    name="王五",
    contact="wangwu@example.com",
    email="wangwu@example.com",
    message="请问亦庄有哪些生物医药产业扶持政策？",
)
