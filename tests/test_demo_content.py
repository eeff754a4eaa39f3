import pytest
from django.core.management import call_command

from articles.models import Article, Region

pytestmark = pytest.mark.django_db


def test_demo_content_loads_ten_published_stories_with_taxonomy():
    call_command("load_demo", verbosity=0)
    assert Article.objects.published().count() == 10
    antibody = Article.objects.get(title__startswith="亦庄共建抗体药")
    assert [r.name for r in antibody.regions.all()] == ["北京经济技术开发区"]
    assert [i.name for i in antibody.industries.all()] == ["生物医药"]
    assert antibody.channel is not None and antibody.responsible_editor is not None
    assert "生物医药" in antibody.tags.names()
    for article in Article.objects.all():
        assert article.regions.exists() and article.tags.exists() and article.sections


def test_demo_content_is_idempotent():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Article.objects.count() == 10
    assert Region.objects.filter(name="北京经济技术开发区", aliases__contains="亦庄").count() == 1


def test_park_stories_also_belong_to_their_district():
    call_command("load_demo", verbosity=0)
    film = Article.objects.get(title__startswith="影视产业重磅激励")
    assert {r.name for r in film.regions.all()} == {"怀柔区", "中国（怀柔）影视产业示范区"}
