"""Control and invisible characters: taken out of every public form, made harmless in the exports.

A visitor who pastes (or a bot that posts) NUL, escape sequences, C1 controls, bidi overrides or
zero-width characters gets a clean record; staff exports never fail on what is already stored.
"""

import csv
import io
from urllib.parse import quote

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from openpyxl import load_workbook

from newsportal.text import PlainTextFormMixin, strip_control_characters
from submissions.models import ContactMessage, Contribution, EntryRequest
from tests.factories import ContributionFactory, EntryRequestFactory, IndustryFactory, RegionFactory, UserFactory
from tests.files import pdf_bytes, upload
from tests.helpers import QUERY_CODE, contact_data, contribution_data, entry_data, valid_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submission_settings")]


# ----- the rule -----


@pytest.mark.parametrize(
    ("text", "single_line", "multiline"),
    [
        ("张\x00三", "张三", "张三"),
        ("a\x01\x08\x0e\x1b[31mb\x7f\x80\x9f", "a[31mb", "a[31mb"),
        ("一\r\n二\r三\n四", "一 二 三 四", "一\n二\n三\n四"),
        ("一\x0b二\x0c三\x85四\u2028五\u2029六", "一 二 三 四 五 六", "一\n二\n三\n四\n五\n六"),
        ("列1\t列2", "列1 列2", "列1\t列2"),
        ("王\u202e五\u202a\u2066\u2069", "王五", "王五"),
        ("\ufeff零\u200b宽\u2060", "零宽", "零宽"),
        ("👨\u200d👩\u200c", "👨👩", "👨\u200d👩\u200c"),
        ("\ufffe\uffff\ufdd0\ud800字", "字", "字"),
        ("普通的文字 ABC 123，。！", "普通的文字 ABC 123，。！", "普通的文字 ABC 123，。！"),
    ],
)
def test_control_and_invisible_characters_are_removed_and_line_breaks_kept_only_in_multiline_text(
    text, single_line, multiline
):
    assert strip_control_characters(text) == single_line
    assert strip_control_characters(text, multiline=True) == multiline


def test_a_replacement_marks_where_characters_were_removed():
    assert strip_control_characters("a\x00\x01b\x7fc", multiline=True, replacement="\ufffd") == "a\ufffdb\ufffdc"
    assert strip_control_characters(None) is None
    assert strip_control_characters(42) == 42


class _Form(PlainTextFormMixin, forms.Form):
    name = forms.CharField()
    body = forms.CharField(widget=forms.Textarea)


POSTED = {"p-name": "张\x00三\r\n", "p-body": "一\r\n二\x00", "other": "\x00"}


@pytest.mark.parametrize("as_posted", [False, True])
def test_the_form_mixin_cleans_posted_fields_before_they_are_validated(as_posted):
    data = QueryDict("&".join(f"{key}={quote(value)}" for key, value in POSTED.items())) if as_posted else POSTED
    form = _Form(data, prefix="p")

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "张三", "body": "一\n二"}
    assert form.data["other"] == "\x00"  # not a field of the form: left alone


# ----- the public forms -----


@pytest.fixture
def region():
    return RegionFactory(name="海淀区", slug="haidian")


def test_a_contribution_is_stored_without_control_characters(client, region):
    data = contribution_data(
        region,
        name="张\x00三\u202e",
        phone="138\x00 0013\x1b 8000",
        email="zhang\x00san@example.com",
        organization="海淀\x01区\u200b某园",
        title="中关村\r\n新增\t项目\x7f\x85",
        body="第一段\x00内容足够长足够长足够长。\r\n第二段\x1b[31m红字\t缩进\x0c第三段\u2028第四段",
    )
    response = client.post("/submit/", data)

    assert response.status_code == 200
    contribution = Contribution.objects.get()
    assert contribution.name == "张三"
    assert contribution.phone == "13800138000"
    assert contribution.email == "zhangsan@example.com"
    assert contribution.organization == "海淀区某园"
    assert contribution.title == "中关村 新增 项目"
    assert contribution.body == "第一段内容足够长足够长足够长。\n第二段[31m红字\t缩进\n第三段\n第四段"


def test_an_entry_request_is_stored_without_control_characters(client, region):
    code = valid_credit_code()
    data = entry_data(
        region,
        IndustryFactory(),
        company_name="北京\x00示例\x1f生物医药有限公司",
        contact_name="李\u2066四\u2069",
        credit_code=f"{code[:6]}\x00{code[6:]}",
        requirements="需要\r\n2000 平方米\x00研发办公用房。\x9b",
    )
    response = client.post("/enterprise/apply/", {**data, "business_license": upload("执照.pdf", pdf_bytes())})

    assert response.status_code == 200
    entry = EntryRequest.objects.get()
    assert (entry.company_name, entry.contact_name, entry.credit_code) == ("北京示例生物医药有限公司", "李四", code)
    assert entry.requirements == "需要\n2000 平方米研发办公用房。"


def test_a_contact_message_is_stored_without_control_characters(client):
    data = contact_data(name="王\x00五", contact="139\x000013\x1b9000", message="请问\x00亦庄\r\n有哪些政策？\x9b")
    response = client.post("/contact/", data)

    assert response.status_code == 200
    message = ContactMessage.objects.get()
    assert (message.name, message.contact, message.message) == ("王五", "13900139000", "请问亦庄\n有哪些政策？")


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/submit/", lambda region: contribution_data(region, name="\x00\x01\u200b")),
        ("/contact/", lambda region: contact_data(name="\u202e\x1b")),
    ],
)
def test_a_name_of_nothing_but_control_characters_is_asked_for_again(client, region, url, data):
    response = client.post(url, data(region))

    assert response.status_code == 400
    assert "请填写姓名。" in response.content.decode()
    assert Contribution.objects.count() == ContactMessage.objects.count() == 0


def test_a_tracking_lookup_with_control_characters_still_finds_the_submission(client):
    contribution = ContributionFactory(tracking_number="TG-20261125-000042")
    code = f"{QUERY_CODE[:4]}\x00-{QUERY_CODE[4:]}"
    response = client.post("/track/", {"tracking_number": "TG-2026\x001125-000042\u200b", "query_code": code})

    assert response.status_code == 200
    assert contribution.get_status_display() in response.content.decode()


# ----- the exports -----

# PostgreSQL refuses NUL in text outright, so only SQLite can hold one to export.
NUL = "\x00" if connection.vendor == "sqlite" else ""
NUL_SHOWN = "\ufffd" if NUL else ""


@pytest.fixture
def dirty_contribution(region):
    return ContributionFactory(
        region=region,
        name=f"张{NUL}\x01三",
        title="\x01\x1b[31m标题\x7f\x85",
        body=f"第一行\r\n第二行{NUL}\x0b",
        organization="\t=cmd|' /C calc'!A0",
        email="dirty@example.com",
        assignee=UserFactory(username="clerk", first_name="编\x02辑", last_name=""),
    )


def _column(rows, header):
    return rows[1][rows[0].index(header)]


def test_stored_control_characters_are_replaced_in_the_csv_export(admin_client, dirty_contribution):
    response = admin_client.get("/admin/submissions/contribution/export/csv/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))

    assert response.status_code == 200
    assert _column(rows, "姓名") == "张\ufffd三"
    assert _column(rows, "标题") == "\ufffd[31m标题\ufffd\n"
    assert _column(rows, "正文") == f"第一行\n第二行{NUL_SHOWN}\n"
    assert _column(rows, "单位") == "'\t=cmd|' /C calc'!A0"
    assert _column(rows, "经办人") == "编\ufffd辑"
    assert not any(ch < " " and ch not in "\t\n" for row in rows for cell in row for ch in cell)


def test_stored_control_characters_are_replaced_in_the_xlsx_export(admin_client, dirty_contribution):
    response = admin_client.get("/admin/submissions/contribution/export/xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)

    assert response.status_code == 200
    assert _column(rows, "姓名") == "张\ufffd三"
    assert _column(rows, "标题") == "\ufffd[31m标题\ufffd\n"
    assert _column(rows, "正文") == f"第一行\n第二行{NUL_SHOWN}\n"
    assert _column(rows, "经办人") == "编\ufffd辑"
    organization = sheet.cell(row=2, column=rows[0].index("单位") + 1)
    assert organization.value == "\t=cmd|' /C calc'!A0"
    assert organization.data_type == "s"  # text, never a formula


def test_full_width_formula_signs_are_neutralised_in_csv(admin_client):
    EntryRequestFactory(company_name='＝HYPERLINK("http://evil")')
    response = admin_client.get("/admin/submissions/entryrequest/export/csv/")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert _column(rows, "企业名称") == '\'＝HYPERLINK("http://evil")'
