"""The back office speaks Chinese: every admin page, rendered as a superuser and as each newsroom
role, shows no English UI words; the 403 page, taggit's merge pages and the admin's JavaScript
catalogue (the prose editor's dialogs, the date widgets) are Chinese too.

What counts is what a person sees or hears: text, and the title, aria-label, placeholder and alt
attributes and button values, outside elements the admin hides. The data is Chinese, so English
words found there come from the UI. The project's own translations are in locale/zh_Hans; what
Django and the packages hard-code (permission names, boolean icons, link-table rows on delete
pages, axes' columns, a password warning) is handled by the `newsportal` app and signin/.
"""

import datetime
import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.views.defaults import permission_denied
from reversion.models import Version
from taggit.models import Tag

from submissions.models import InternalNote, StatusChange
from tests.factories import (
    ArticleFactory,
    ContactMessageFactory,
    ContributionFactory,
    EntryRequestFactory,
    ImageFactory,
    IndustryFactory,
    RegionFactory,
    TopicFactory,
    UserFactory,
    newsroom_user,
)

pytestmark = pytest.mark.django_db

ROLES = ["撰稿人", "编辑", "总编辑", "招商专员"]

# English the issue found in the Chinese back office, and what Django or the packages would say.
KNOWN_ENGLISH = [
    "Select an option", "Filter by", "Merge selected tags", "Forbidden", "New Tag Name",
    "Enter new or existing tag name", "Form is invalid", "Tags have been merged", "Logout",
    "Insert Figure", "Alternative Text", "Browse", "Heading",
    "Axes", "Otp_Totp", "Signin", "relationship", "If disabled", "Cleaned up",
]  # fmt: skip
# Words of the admin's own chrome, as whole words: none of them belongs in a Chinese page.
ADMIN_WORDS = re.compile(
    r"\b(Select|Filter|Delete|Save|Add|Search|Browse|Insert|Heading|Change|History|View|Home|Cancel"
    r"|Submit|Merge|Remove|Edit|Update|Close|Run|Go|Yes|No|Today|Now|Clear|Show|Hide|Previous|Next"
    r"|Forbidden|Please|Error|Enter|Logout|Log out|Name|Tags?|Status|Expiration|True|False|None)\b"
    # Django's names for built-in permissions and for rows of models without a __str__.
    r"|\bCan (?:add|change|delete|view)\b|\b\w+ object \(\d+\)"
)

VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNSEEN_TAGS = {"script", "style", "template", "textarea", "noscript"}


class SeenText(HTMLParser):
    """The texts a page shows or reads out; what the admin hides (class "hidden") is left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, unseen) for each open element
        self.texts = []

    def unseen(self):
        return any(unseen for _, unseen in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        unseen = tag in UNSEEN_TAGS or "hidden" in attrs or "hidden" in (attrs.get("class") or "").split()
        if not (unseen or self.unseen()):
            self.texts += [attrs[name] for name in VISIBLE_ATTRIBUTES if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
                self.texts.append(attrs.get("value") or "")
        if tag not in VOID_TAGS:
            self.open.append((tag, unseen))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        if data.strip() and not self.unseen():
            self.texts.append(data.strip())


def is_english_ui(text):
    return bool(ADMIN_WORDS.search(text)) or any(phrase in text for phrase in KNOWN_ENGLISH)


def english_in(html):
    """The English UI texts `html` shows, e.g. ["- Select an option -", "Filter by 发布时间"]."""
    parser = SeenText()
    parser.feed(html)
    return sorted({text for text in parser.texts if is_english_ui(text)})


@pytest.fixture
def newsroom():
    """One of everything the back office shows, all in Chinese; superuser "boss"."""
    region, industry = RegionFactory(name="亦庄"), IndustryFactory(name="生物医药")
    article = ArticleFactory(title="亦庄新签约项目", regions=[region], industries=[industry], tags=["新能源汽车"])
    for title in ("亦庄新签约三个项目", "亦庄新签约五个项目"):
        with reversion.create_revision():
            article.title = title
            article.save()
    TopicFactory().entries.create(article=article, order=1)
    image = ImageFactory()
    contribution = ContributionFactory()
    StatusChange.objects.create(submission=contribution, from_status="", to_status="new")
    InternalNote.objects.create(submission=contribution, text="已电话联系作者。")
    EntryRequestFactory()
    ContactMessageFactory()
    for username, failures in (("editor", 6), ("chief", 2)):
        AccessAttempt.objects.create(
            username=username, ip_address="203.0.113.7", user_agent="浏览器", http_accept="*/*",
            path_info="/admin/login/", get_data="", post_data="", failures_since_start=failures,
        )  # fmt: skip
    AccessFailureLog.objects.create(
        username="editor", ip_address="203.0.113.7", user_agent="浏览器", http_accept="*/*",
        path_info="/admin/login/", locked_out=True,
    )  # fmt: skip
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    return {"article": article, "image": image, "tag": Tag.objects.get(), "boss": boss}


def admin_urls(newsroom):
    article = newsroom["article"]
    urls = ["/admin/", "/admin/password_change/", "/admin/articles/image/picker/"]
    urls.append(f"/admin/auth/user/{newsroom['boss'].pk}/password/")
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, f"{base}?_popup=1", f"{base}add/"]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/delete/", f"{base}{obj.pk}/history/"]
    versions = [v.pk for v in Version.objects.get_for_object(article)[:2]]
    base = f"/admin/articles/article/{article.pk}/"
    return [*urls, f"{base}revisions/", f"{base}revisions/compare/?from={versions[1]}&to={versions[0]}"]


# Pages that fail for a reason of their own, reported to their owners; the sweep goes on past them.
# articles/admin/images.py: ImageAdminForm.__init__ sets a message on "alt_text", which a
# view-only user's form does not have (KeyError, 500).
KNOWN_BROKEN = {"撰稿人": {"/admin/articles/image/{image}/change/"}}


@pytest.mark.parametrize("role", ["superuser", *ROLES])
def test_no_admin_page_shows_english_ui_text(client, newsroom, role):
    user = newsroom["boss"] if role == "superuser" else newsroom_user(role, username="staff")
    client.force_login(user)
    client.raise_request_exception = False
    known_broken = {url.format(image=newsroom["image"].pk) for url in KNOWN_BROKEN.get(role, ())}
    found, broken = {}, set()
    for url in admin_urls(newsroom):
        response = client.get(url)
        if response.status_code == 500:
            broken.add(url)
            continue
        assert response.status_code in (200, 302, 403, 404), url
        english = english_in(response.content.decode())
        if english:
            found[url] = english
    assert found == {}
    assert broken <= known_broken


def test_refused_forms_confirmations_and_signing_out_are_chinese(client, newsroom):
    article = newsroom["article"]
    client.force_login(newsroom["boss"])
    pages = {
        "refused form": client.post("/admin/articles/article/add/", {"title": ""}),
        "delete selected": client.post(
            "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [article.pk]}
        ),
        "preview": client.get(f"/admin/articles/article/{article.pk}/preview/"),
        "signed out": client.post("/admin/logout/"),
    }
    assert {name: english_in(page.content.decode()) for name, page in pages.items()} == dict.fromkeys(pages, [])
    assert "请更正以下错误" in pages["refused form"].content.decode()


# ----- what Django and the packages hard-code in English -----


def test_builtin_permissions_are_named_in_chinese_in_the_pickers(client, newsroom):
    assert Permission.objects.get(codename="add_article").name == "可添加 文章"
    assert Permission.objects.get(codename="view_accessattempt").name == "可查看 登录失败记录"
    assert Permission.objects.get(codename="delete_totpdevice").name == "可删除 TOTP 身份验证器"
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    client.force_login(newsroom["boss"])
    page = client.get(f"/admin/auth/group/{Group.objects.get(name='编辑').pk}/change/").content.decode()
    assert "资讯内容 | 文章 | 可修改 文章" in page and "登录锁定 | 登录失败记录 | 可删除 登录失败记录" in page


def test_permission_names_are_put_right_after_every_migrate_and_only_once():
    Permission.objects.filter(codename="change_article").update(name="Can change article")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert Permission.objects.get(codename="change_article").name == "可修改 文章"
    assert Permission.objects.get(codename="publish_article").name == "可发布和定时发布文章"  # custom: as declared
    with CaptureQueriesContext(connection) as queries:
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert not [q["sql"] for q in queries if q["sql"].startswith('UPDATE "auth_permission"')]


def test_boolean_icons_say_yes_and_no_in_chinese(client, newsroom):
    client.force_login(newsroom["boss"])
    users = client.get("/admin/auth/user/").content.decode()
    assert re.search(r'<img src="[^"]*icon-yes[^"]*" alt="是">', users)
    assert 'alt="True"' not in users and 'alt="False"' not in users
    client.force_login(newsroom_user("撰稿人", username="writer"))
    region = newsroom["article"].regions.get()
    readonly = client.get(f"/admin/articles/region/{region.pk}/change/").content.decode()  # view only
    assert re.search(r'<img src="[^"]*icon-(?:yes|no)[^"]*" alt="[是否]">', readonly)
    assert not re.search(r'alt="(?:True|False|None)"', readonly)


def test_delete_pages_name_the_links_to_regions_and_industries_in_chinese(client, newsroom):
    article = newsroom["article"]
    client.force_login(newsroom["boss"])
    single = client.get(f"/admin/articles/article/{article.pk}/delete/").content.decode()
    bulk = client.post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [article.pk]}
    ).content.decode()
    for page in (single, bulk):
        assert f"文章与区域的关联: {article.title} — 亦庄" in page
        assert f"文章与产业的关联: {article.title} — 生物医药" in page
        assert "<li>文章与区域的关联: 1</li>" in page
        assert "relationship" not in page and "Article_regions" not in page and "关系:" not in page
    group = Group.objects.get(name="编辑")
    page = client.get(f"/admin/auth/group/{group.pk}/delete/").content.decode()
    assert "组与权限的关联: 编辑 — 资讯内容 | 文章 | 可查看 文章" in page and "object (" not in page


def test_the_lockout_lists_speak_chinese(client, newsroom):
    client.force_login(newsroom["boss"])
    index = client.get("/admin/").content.decode()
    assert "登录锁定" in index and "两步验证" in index and "Axes" not in index
    attempts = client.get("/admin/axes/accessattempt/").content.decode()
    assert "状态" in attempts and "剩余 3 次机会" in attempts and "已锁定" in attempts
    assert "清理已过期的失败记录" in attempts and english_in(attempts) == []
    attempt = AccessAttempt.objects.get(username="editor")
    assert "过期时间" in client.get(f"/admin/axes/accessattempt/{attempt.pk}/change/").content.decode()
    done = client.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [attempt.pk]},
        follow=True,
    ).content.decode()
    assert "已清理 0 条过期的失败记录。" in done
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=1))
    client.post("/admin/axes/accessattempt/", {"action": "cleanup_expired_attempts", "_selected_action": [attempt.pk]})
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["chief"]


def test_the_password_page_warns_in_chinese(client, newsroom):
    client.force_login(newsroom["boss"])
    page = client.get(f"/admin/auth/user/{newsroom['boss'].pk}/password/").content.decode()
    assert '<li class="warning">如果禁用，该用户当前的密码将会失效。</li>' in page
    assert "用户是否能够使用密码进行认证" in page and "If disabled" not in page


def test_taggit_merge_action_and_pages_are_chinese(client, newsroom):
    tag, other = newsroom["tag"], Tag.objects.create(name="智能网联汽车")
    client.force_login(newsroom["boss"])
    changelist = client.get("/admin/taggit/tag/").content.decode()
    assert '<option value="merge_selected">合并所选标签</option>' in changelist

    merge = client.post("/admin/taggit/tag/", {"action": "merge_selected", "_selected_action": [tag.pk, other.pk]})
    page = client.get(merge["Location"]).content.decode()
    assert "合并后的标签名" in page and english_in(page) == []

    refused = client.post(merge["Location"], {"new_tag_name": ""}).content.decode()
    assert "请填写合并后的标签名" in refused and english_in(refused) == []

    done = client.post(merge["Location"], {"new_tag_name": "汽车"}, follow=True).content.decode()
    assert "合并为“汽车”" in done and english_in(done) == []
    assert list(newsroom["article"].tags.names()) == ["汽车"]


def test_the_tag_lists_own_messages_keep_their_links(admin_client):
    response = admin_client.post(
        "/admin/taggit/tag/add/",
        {"name": "亦庄", "slug": "yizhuang", "taggit_taggeditem_items-TOTAL_FORMS": "0",
         "taggit_taggeditem_items-INITIAL_FORMS": "0"},
        follow=True,
    )  # fmt: skip
    tag = Tag.objects.get(name="亦庄")
    assert f'<a href="/admin/taggit/tag/{tag.pk}/change/">亦庄</a>' in response.content.decode()


def test_a_refused_reader_gets_a_chinese_403_page_in_the_sites_style(rf):
    request = rf.get("/some/page/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied("Permission denied"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and 'class="site-header"' in page and 'href="/"' in page
    assert "Forbidden" not in page and "Permission denied" not in page and "编辑后台" not in page


def test_refused_staff_get_the_chinese_403_page_with_a_way_back_to_the_admin(client, newsroom):
    client.force_login(newsroom_user("撰稿人", username="writer"))
    response = client.get("/admin/auth/user/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and 'href="/admin/"' in page and english_in(page) == []


def js_catalogue(client):
    source = client.get("/admin/jsi18n/").content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", source, re.DOTALL).group(1))


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Insert Figure", "插入图片"),
        ("Browse...", "从图片库选择…"),
        ("Alternative Text", "图片说明（替代文本）"),
        ("Caption", "图注"),
        ("Add caption", "添加图注"),
        ("Edit Link", "编辑链接"),
        ("Update", "确定"),
        ("Cancel", "取消"),
        ("Today (%(date)s)", "今天（%(date)s）"),
        ("server", "服务器"),
    ],
)
def test_the_admin_javascript_catalogue_has_chinese_for_the_editor_and_date_widgets(admin_client, msgid, chinese):
    assert js_catalogue(admin_client)[msgid] == chinese


LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries(path):
    """(context, msgid, plural, msgstr) of each entry of a .po file: enough of the format for the
    project's own catalogues (one msgstr, also for plurals: Chinese has one form)."""
    entries, entry, field = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if match := re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line):
            field = match.group(1).removesuffix("[0]")
            entry[field] = json.loads(f'"{match.group(2)}"')
        elif line.startswith('"') and field:
            entry[field] += json.loads(line)
        elif not line.strip() and entry:
            if entry.get("msgid"):
                entries.append((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"), entry["msgstr"]))
            entry, field = {}, None
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_committed_catalogues_are_compiled_from_their_sources(domain):
    entries = po_entries(LOCALE / f"{domain}.po")
    with open(LOCALE / f"{domain}.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert len(entries) > 10
    for context, msgid, plural, msgstr in entries:
        if context:
            assert catalogue.pgettext(context, msgid) == msgstr, msgid
        else:
            assert (catalogue.ngettext(msgid, plural, 1) if plural else catalogue.gettext(msgid)) == msgstr, msgid
