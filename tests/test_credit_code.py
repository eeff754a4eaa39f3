"""统一社会信用代码: the form's example, normalising what is typed, and flagging a second
application from the same code to the officer (list, detail page, search)."""

import pytest

from submissions.models import EntryRequest
from submissions.validators import (
    CREDIT_CODE_CHARS,
    CREDIT_CODE_EXAMPLE,
    CREDIT_CODE_WEIGHTS,
    normalize_credit_code,
    validate_credit_code,
)
from tests.factories import EntryRequestFactory, IndustryFactory, RegionFactory
from tests.files import pdf_bytes, upload
from tests.helpers import change_url, entry_data, valid_credit_code

URL = "/enterprise/apply/"
LIST = "/admin/submissions/entryrequest/"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]
CODE = valid_credit_code()  # 91110108MA01ABCD2H
OTHER = valid_credit_code("91110105MA01R2NB3")


def gb32100_check_character(first17):
    """GB 32100-2015 §4.3, written out again here: C18 = 31 - (Σ Ci·Wi mod 31), 31 → 0."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def post(client, credit_code):
    data = entry_data(RegionFactory(), IndustryFactory(), credit_code=credit_code)
    return client.post(URL, {**data, "business_license": upload("执照.pdf", pdf_bytes())})


# ----- the form -----


def test_the_example_on_the_form_is_a_valid_code(client):
    assert CREDIT_CODE_EXAMPLE[17] == gb32100_check_character(CREDIT_CODE_EXAMPLE[:17])
    validate_credit_code(CREDIT_CODE_EXAMPLE)
    html = client.get(URL).content.decode()
    assert f"例如 {CREDIT_CODE_EXAMPLE}" in html
    assert "91110108MA01ABCD2X" not in html  # the old example failed its own check


@pytest.mark.parametrize(
    "typed",
    [
        "91110108-MA01ABCD-2H",
        "9111 0108 MA01 ABCD 2H",
        "91110108ma01abcd2h",
        "９１１１０１０８ＭＡ０１ＡＢＣＤ２Ｈ",  # full-width
        "91110108\u3000MA01\uff0dABCD\u20142H",  # ideographic space, full-width dash, em dash
        " 91110108\tMA01–ABCD2H ",  # tab, en dash
    ],
)
def test_a_code_typed_with_spaces_dashes_or_full_width_is_stored_as_18_characters(client, typed):
    response = post(client, typed)
    assert response.status_code == 200, response.content.decode()
    assert EntryRequest.objects.get().credit_code == CODE
    assert normalize_credit_code(typed) == CODE


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9111010", "统一社会信用代码应为 18 位，您填写了 7 位"),
        (CODE[:-1] + ("0" if CODE[-1] != "0" else "1"), "校验位不正确"),
        ("91110108MA01ABCDIO", "不含 I、O、S、V、Z"),
        ("<script>alert(1)</script>", "统一社会信用代码"),
        ("９" * 41, "最多 40 个字"),
        ("", "请填写统一社会信用代码。"),
    ],
)
def test_a_bad_code_is_refused_with_a_chinese_message(client, typed, message):
    response = post(client, typed)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert EntryRequest.objects.count() == 0


# ----- the officer's view -----


def test_the_list_flags_codes_with_more_than_one_application_and_links_to_them(admin_client):
    first, second = EntryRequestFactory(credit_code=CODE), EntryRequestFactory(credit_code=CODE)
    alone = EntryRequestFactory(credit_code=OTHER)

    html = admin_client.get(LIST).content.decode()

    link = f'<a class="submission-same-code" href="{LIST}?credit_code={CODE}">该信用代码已有 2 份申请</a>'
    assert html.count(link) == 2
    assert f"?credit_code={OTHER}" not in html
    filtered = admin_client.get(LIST, {"credit_code": CODE}).content.decode()
    assert first.tracking_number in filtered and second.tracking_number in filtered
    assert alone.tracking_number not in filtered


def test_the_detail_page_says_how_many_applications_share_the_code(admin_client):
    EntryRequestFactory.create_batch(2, credit_code=CODE)
    entry = EntryRequestFactory(credit_code=CODE)
    single = EntryRequestFactory(credit_code=OTHER)

    html = admin_client.get(change_url(entry)).content.decode()
    assert "该信用代码已有 3 份申请" in html and f'href="{LIST}?credit_code={CODE}"' in html
    assert "份申请" not in admin_client.get(change_url(single)).content.decode()


def test_the_flag_costs_no_query_per_row(admin_client, django_assert_max_num_queries):
    for index in range(20):
        EntryRequestFactory.create_batch(2, credit_code=valid_credit_code(f"91110108{index:02d}MA01ABC"))
    with django_assert_max_num_queries(12) as few:
        html = admin_client.get(LIST).content.decode()
    assert html.count("该信用代码已有 2 份申请") == 40
    EntryRequestFactory.create_batch(10, credit_code=CODE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(LIST)


@pytest.mark.parametrize(
    "term",
    [
        "９１１１０１０８ＭＡ０１ＡＢＣＤ２Ｈ",
        "9111 0108 MA01 ABCD 2H",
        "91110108-MA01-ABCD-2H",
        "ma01abcd",
        "ＡＢＣＤ２Ｈ",
    ],
)
def test_search_finds_a_code_typed_full_width_or_with_spaces_and_dashes(admin_client, term):
    wanted = EntryRequestFactory(credit_code=CODE)
    other = EntryRequestFactory(credit_code=OTHER)
    html = admin_client.get(LIST, {"q": term}).content.decode()
    assert wanted.tracking_number in html and other.tracking_number not in html


def test_search_by_tracking_number_and_name_still_works(admin_client):
    wanted = EntryRequestFactory(company_name="北京亦庄示例医药有限公司", credit_code=CODE)
    other = EntryRequestFactory(credit_code=OTHER)
    for term in (wanted.tracking_number, "亦庄示例"):
        html = admin_client.get(LIST, {"q": term}).content.decode()
        assert wanted.tracking_number in html and other.tracking_number not in html
