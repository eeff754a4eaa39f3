"""Executing the editorial workflow: 草稿 → 待审核 → 已发布 → 已下线.

Every status change goes through `apply()`, which asks `articles.newsroom.policy` (a crafted
request gets PermissionDenied, i.e. 403), moves the story, saves it once, records an
`ArticleTransition` with who and when, and names the step in the story's revision. Views and
admin actions only call it.
"""

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleTransition, Status
from articles.newsroom import policy
from articles.newsroom.policy import TRANSITIONS

__all__ = ["PermissionDenied", "TransitionNotAllowed", "apply", "apply_many", "check"]

# What a move changes; saved alone when the story carries no other edits.
_MOVED_FIELDS = ["status", "publish_at", "responsible_editor", "updated_at"]


class TransitionNotAllowed(ValidationError):
    """The article is not in a state this transition starts from (e.g. a stale page)."""


def check(user, article, name):
    """Raise PermissionDenied or TransitionNotAllowed unless `user` may make move `name` now."""
    if not policy.may_apply(user, name, article):
        raise PermissionDenied("您没有执行此操作的权限。")
    reason = policy.refusal(article, name)
    if reason:
        raise TransitionNotAllowed(reason)
    return TRANSITIONS[name]


def apply(article, name, user, note="", *, checked=False):
    """Move `article` through transition `name` on behalf of `user`; return the saved article.

    Publishing keeps a future publication time (定时发布) and otherwise publishes now; the
    publisher becomes 责任编辑 unless one was named.

    By default the row is locked and the policy asked here, and only the moved fields are
    written. A caller that already asked the policy about the row it holds locked — the
    admin form, whose edits ride along — passes `checked=True`: the article is then saved
    whole, once, edits and move together.
    """
    with transaction.atomic():
        if checked:
            moving, fields = article, None
        else:
            moving, fields = Article.objects.select_for_update().get(pk=article.pk), _MOVED_FIELDS
            check(user, moving, name)
        transition = TRANSITIONS[name]
        source = moving.status
        moving.status = transition.target
        if transition.target == Status.PUBLISHED:
            moving.publish_at = max(moving.publish_at, timezone.now())
            if moving.responsible_editor_id is None:
                moving.responsible_editor = user
        comment = f"{transition.label}：{Status(source).label} → {Status(transition.target).label}"
        if reversion.is_active():  # the admin's revision block: one revision for edits and move
            moving.save(update_fields=fields)
            reversion.set_comment(comment)
        else:
            with reversion.create_revision():
                moving.save(update_fields=fields)
                reversion.set_user(user)
                reversion.set_comment(comment)
        ArticleTransition.objects.create(
            article=moving, from_status=source, to_status=transition.target, user=user, note=note[:2000]
        )
    return moving


def apply_many(articles, name, user):
    """Apply `name` to each article; return (done, skipped) lists. Permission is all or nothing."""
    if not policy.may_apply(user, name):
        raise PermissionDenied("您没有执行此操作的权限。")
    done, skipped = [], []
    for article in articles:
        try:
            done.append(apply(article, name, user))
        except (TransitionNotAllowed, PermissionDenied):
            skipped.append(article)
    return done, skipped
