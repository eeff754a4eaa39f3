"""受理查询 at /track/: status, history and replies for a tracking number and its query code."""

import pytest

from submissions.models import Contribution, Reply, StatusChange
from tests.factories import ContactMessageFactory, ContributionFactory, EntryRequestFactory, UserFactory
from tests.helpers import QUERY_CODE

URL = "/track/"
WRONG = "受理编号或查询码不正确"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


def lookup(client, number, code, **extra):
    return client.post(URL, {"tracking_number": number, "query_code": code}, **extra)


def test_the_page_asks_for_number_and_code(client):
    html = client.get(URL).content.decode()
    assert "受理编号" in html and "查询码" in html
    assert 'method="post"' in html


def test_the_right_code_shows_status_history_and_replies(client, django_assert_max_num_queries):
    contribution = ContributionFactory(status=Contribution.Status.ACCEPTED)
    Reply.objects.create(submission=contribution, text="稿件已采用，感谢投稿。")
    StatusChange.objects.create(submission=contribution, to_status="new")
    StatusChange.objects.create(
        submission=contribution, from_status="new", to_status="accepted", changed_by=UserFactory(username="editor")
    )
    # The case and its history (4), and the menus with the footer's 站点信息 on a cold cache (3).
    with django_assert_max_num_queries(7):
        response = lookup(client, contribution.tracking_number, QUERY_CODE)
    html = response.content.decode()

    assert response.status_code == 200
    assert "已采用" in html
    assert "新投稿" in html
    assert "稿件已采用，感谢投稿。" in html
    assert "editor" not in html  # who processed it stays internal
    assert contribution.body not in html  # so does what was submitted


@pytest.mark.parametrize("factory", [ContributionFactory, EntryRequestFactory, ContactMessageFactory])
def test_every_kind_of_submission_can_be_looked_up(client, factory):
    submission = factory()
    response = lookup(client, submission.tracking_number, QUERY_CODE)
    assert response.status_code == 200
    assert submission.get_status_display() in response.content.decode()


def test_typing_variations_are_forgiven(client):
    contribution = ContributionFactory(tracking_number="TG-20261125-000042")
    response = lookup(client, " tg-20261125-000042 ", "abcd-2345")
    assert response.status_code == 200
    assert contribution.get_status_display() in response.content.decode()


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(client):
    contribution = ContributionFactory()
    Reply.objects.create(submission=contribution, text="内部不应泄露")
    wrong_code = lookup(client, contribution.tracking_number, "ZZZZ9999")
    unknown = lookup(client, "TG-20991231-999999", QUERY_CODE)
    garbage = lookup(client, "nonsense", "x")

    for response in (wrong_code, unknown, garbage):
        assert response.status_code == 400
        html = response.content.decode()
        assert WRONG in html
        assert "内部不应泄露" not in html
        assert "新投稿" not in html


def test_required_fields_are_asked_for(client):
    html = lookup(client, "", "").content.decode()
    assert "请填写受理编号。" in html and "请填写查询码。" in html


def test_lookups_are_rate_limited_per_client(client):
    contribution = ContributionFactory()
    for _ in range(10):
        lookup(client, contribution.tracking_number, "ZZZZ9999")
    blocked = lookup(client, contribution.tracking_number, QUERY_CODE)

    assert blocked.status_code == 429
    assert "操作过于频繁" in blocked.content.decode()
    assert lookup(client, contribution.tracking_number, QUERY_CODE, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_result_is_never_cached(client):
    contribution = ContributionFactory()
    response = lookup(client, contribution.tracking_number, QUERY_CODE)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
