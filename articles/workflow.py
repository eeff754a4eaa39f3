"""The editorial workflow: 草稿 → 待审核 → 已发布 → 已下线, and who may move an article.

Every status change goes through `apply()`, which checks the user's permission on the
server (a crafted request gets PermissionDenied, i.e. 403), locks the row, records an
`ArticleTransition` with who and when, and keeps a revision. Views and admin actions only
call it.
"""

from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleTransition

Status = Article.Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str
    # Shown on admin buttons: the "danger" ones are styled apart.
    danger: bool = False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "提交审核", frozenset({Status.DRAFT}), Status.REVIEW, "articles.submit_article"),
        Transition(
            "publish", "发布", frozenset({Status.DRAFT, Status.REVIEW}), Status.PUBLISHED, "articles.publish_article"
        ),
        Transition("reject", "退回修改", frozenset({Status.REVIEW}), Status.DRAFT, "articles.publish_article"),
        Transition(
            "archive", "下线", frozenset({Status.PUBLISHED}), Status.ARCHIVED, "articles.archive_article", danger=True
        ),
        Transition("reopen", "恢复为草稿", frozenset({Status.ARCHIVED}), Status.DRAFT, "articles.archive_article"),
    ]
}


class TransitionNotAllowed(ValidationError):
    """The article is not in a status this transition starts from (e.g. a stale page)."""


def can_edit_others(user):
    return user.has_perm("articles.edit_others_article")


def is_own(user, article):
    return article.pk is None or article.created_by_id == user.pk


def has_permission(user, name, article=None):
    """May `user` ever perform transition `name` (on `article`, when given)?

    A 撰稿人 may submit only their own articles; the other transitions need their permission.
    """
    transition = TRANSITIONS.get(name)
    if transition is None or not user.is_active or not user.has_perm(transition.permission):
        return False
    if name == "submit" and article is not None:
        return is_own(user, article) or can_edit_others(user)
    return True


def available(user, article):
    """The transitions `user` may perform on `article` in its current status."""
    return [t for t in TRANSITIONS.values() if article.status in t.sources and has_permission(user, t.name, article)]


def check(user, article, name):
    """Raise PermissionDenied or TransitionNotAllowed unless `user` may apply `name` now."""
    if not has_permission(user, name, article):
        raise PermissionDenied("您没有执行此操作的权限。")
    transition = TRANSITIONS[name]
    if article.status not in transition.sources:
        raise TransitionNotAllowed(
            f"“{article.title}”当前状态为“{article.get_status_display()}”，不能{transition.label}。"
        )
    return transition


def apply(article, name, user, note=""):
    """Move `article` through transition `name` on behalf of `user`; return the saved article.

    Publishing keeps a future publication time (定时发布) and otherwise publishes now; the
    publisher becomes 责任编辑 unless one was named.
    """
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        transition = check(user, locked, name)
        source = locked.status
        locked.status = transition.target
        fields = ["status", "updated_at"]
        if transition.target == Status.PUBLISHED:
            now = timezone.now()
            if locked.publish_at <= now:
                locked.publish_at = now
            if locked.expire_at is not None and locked.expire_at <= locked.publish_at:
                raise TransitionNotAllowed(f"“{locked.title}”的下线时间早于发布时间，请先修改下线时间。")
            if locked.responsible_editor_id is None:
                locked.responsible_editor = user
            fields += ["publish_at", "responsible_editor"]
        with reversion.create_revision():
            locked.save(update_fields=fields)
            reversion.set_user(user)
            reversion.set_comment(f"{transition.label}：{Status(source).label} → {Status(transition.target).label}")
        ArticleTransition.objects.create(
            article=locked, from_status=source, to_status=transition.target, user=user, note=note[:200]
        )
    return locked


def apply_many(articles, name, user):
    """Apply `name` to each article; return (done, skipped) lists. Permission is all or nothing."""
    if not has_permission(user, name):
        raise PermissionDenied("您没有执行此操作的权限。")
    done, skipped = [], []
    for article in articles:
        try:
            done.append(apply(article, name, user))
        except (TransitionNotAllowed, PermissionDenied):
            skipped.append(article)
    return done, skipped
