"""Helpers shared by the test modules: form posts, admin URLs and posts, receipts, the browser's console
and the database task queue.

Test modules import their helpers from here, tests.factories (model factories) and tests.files
(real files), never from one another; shared fixtures live in tests/conftest.py, but for those of
one subject split over several modules (tests.page_cache_helpers, tests.view_count_helpers).
"""

import datetime
import io
import re
import secrets
import time

from django.core import signing
from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult, get_date_max

from submissions import attachments
from submissions.validators import credit_code_check_char
from tests.files import upload

# The password of every newsroom user the tests make (tests.factories.newsroom_user).
PASSWORD = "correct horse 42"

# The query code every factory-made submission answers to.
QUERY_CODE = "ABCD2345"


def change_url(obj):
    """The admin change page of `obj`, e.g. /admin/articles/article/1/change/."""
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


# ----- the browser tests (Playwright) -----


def log_in(page, base, username):
    """Sign `username` in to the admin at `base` in the browser `page` (any earlier session ends)."""
    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


# ----- the newsroom's article form -----


def article_data(article=None, **overrides):
    """What the article change form posts for `article` (or the add form for a new one)."""
    data = {
        "title": article.title if article else "石景山发布数字经济政策",
        "subtitle": "",
        "summary": "",
        "body": article.body if article else "<p>新政策出台。</p>",
        "source": article.source if article else "北京招商资讯网",
        "author": "",
        "tags": "",
        "cover_alt": "",
        "publish_at_0": "2026-01-05",
        "publish_at_1": "09:30:00",
    }
    if article is not None:
        data["loaded_version"] = article.version
        # The attachments inline's management form (no rows posted: none deleted).
        data |= {"attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0}
    data.update(overrides)
    return data


# ----- the public submission forms -----


def valid_credit_code(first17="91110108MA01ABCD2"):
    return first17 + credit_code_check_char(first17)


def form_token(form_name, age=60):
    """A signed one-time token for `form_name`, issued `age` seconds ago."""
    payload = {"n": secrets.token_urlsafe(24), "f": form_name, "t": time.time() - age}
    return signing.dumps(payload, salt="submissions.form-token")


def contribution_data(region, /, **overrides):
    data = {
        "form_token": form_token("contribution"),
        "homepage": "",
        "name": "张三",
        "phone": "+86 138-0013-8000",
        "email": "zhangsan@example.com",
        "organization": "海淀区某科技园",
        "title": "中关村科学城新增三个人工智能项目",
        "body": "近日，中关村科学城新签约三个人工智能项目。\n\n项目总投资约 12 亿元，预计新增就业岗位 800 个。",
        "region": str(region.pk),
        "agree_terms": "on",
    }
    data.update(overrides)
    return data


def entry_data(region, industry, /, **overrides):
    data = {
        "form_token": form_token("entry"),
        "homepage": "",
        "company_name": "北京示例生物医药有限公司",
        "credit_code": valid_credit_code(),
        "contact_name": "李四",
        "phone": "13900139000",
        "email": "lisi@example.com",
        "industry": str(industry.pk),
        "region": str(region.pk),
        "investment_amount": "5000",
        "employee_count": "120",
        "requirements": "需要 2000 平方米研发办公用房，咨询人才落户政策。",
    }
    data.update(overrides)
    return data


def contact_data(**overrides):
    data = {
        "form_token": form_token("contact"),
        "homepage": "",
        "name": "王五",
        "contact": "wangwu@example.com",
        "message": "请问亦庄有哪些生物医药产业扶持政策？",
    }
    data.update(overrides)
    return data


# Cases for the forms' bad-input tables, as (overrides, message) pairs, built the way the forms
# word their messages.


def required(field, label):
    """`field` left empty is refused with “请填写<label>。”."""
    return {field: ""}, f"请填写{label}。"


def too_long(field, label, limit):
    """`field` one character over `limit` is refused with “<label>最多 <limit> 个字”."""
    return {field: label[0] * (limit + 1)}, f"{label}最多 {limit} 个字"


def receipt_codes(response):
    """The tracking number and query code on a receipt page."""
    html = response.content.decode()
    number = re.search(r"data-tracking-number>([^<]+)<", html).group(1)
    code = re.search(r"data-query-code>([^<]+)<", html).group(1)
    return number, code


# ----- the submissions' processing admin -----

INLINES = {
    "attachment": "submissions-attachment-content_type-object_id",
    "reply": "submissions-reply-content_type-object_id",
    "statuschange": "submissions-statuschange-content_type-object_id",
    "deadlineextension": "submissions-deadlineextension-content_type-object_id",
    "internalnote": "submissions-internalnote-content_type-object_id",
}


def attach(submission, content, name, label="附件"):
    """An attachment of `submission`, checked and stored as the public forms do it."""
    prepared = attachments.prepare(upload(name, content), [attachments.IMAGE, attachments.PDF])
    attachment = attachments.store(prepared, label)
    attachment.submission = submission
    attachment.save()
    return attachment


def change_data(submission, note="", **fields):
    """The admin change form of `submission` as a browser would post it."""
    data = {
        "status": submission.status,
        "assignee": submission.assignee_id or "",
        "loaded_version": submission.version,
        "new_reply": "",
        "extend_to": "",
        "extension_reason": "",
    }
    existing = {
        "attachment": list(submission.attachments.values_list("pk", flat=True)),
        "reply": list(submission.replies.values_list("pk", flat=True)),
        "statuschange": list(submission.status_changes.values_list("pk", flat=True)),
        "deadlineextension": list(submission.extensions.values_list("pk", flat=True)),
        "internalnote": list(submission.notes.values_list("pk", flat=True)),
    }
    for key, prefix in INLINES.items():
        pks = existing[key]
        extra = 1 if key == "internalnote" else 0
        data |= {
            f"{prefix}-TOTAL_FORMS": len(pks) + extra,
            f"{prefix}-INITIAL_FORMS": len(pks),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for index, pk in enumerate(pks):
            data[f"{prefix}-{index}-id"] = pk
        if extra:
            data[f"{prefix}-{len(pks)}-text"] = note
    data.update(fields)
    return data


# ----- the browser tests -----


def watch_console(page):
    """Collect the page's console errors and uncaught exceptions (CSP violations included)."""
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


# ----- the task queue (TASKS_BACKEND=database) -----


def use_database_queue(settings, monkeypatch):
    """Tasks go to django-tasks-db's table, as in production; three attempts, 30 s apart at first."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_MAX_ATTEMPTS = 3
    settings.TASKS_RETRY_DELAY_SECONDS = 30
    settings.TASKS_RETRY_MAX_DELAY_SECONDS = 3600
    # The worker drops connections left in a transaction, as it should between tasks; the test's
    # own transaction (its rollback keeps tests apart) must survive it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def work(*args):
    """One run of `manage.py worker --batch`: the due periodic jobs, then every ready task."""
    out = io.StringIO()
    call_command("worker", "--batch", "--no-startup-delay", *args, stdout=out)
    return out.getvalue()


def later():
    """The waiting retries' time has come."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(run_after=get_date_max()).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
