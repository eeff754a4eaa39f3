"""Executing the editorial workflow: 草稿 → 待审核 → 已发布 → 已下线.

Every status change goes through `apply()`, which asks `articles.newsroom.policy` (a crafted
request gets PermissionDenied, i.e. 403), moves the story, saves it once, records an
`ArticleTransition` with who and when, and names the step in the story's revision. Views and
admin actions only call it.
"""

import logging

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleDraft, ArticleTransition, Status
from articles.newsroom import drafts, policy, tasks
from articles.newsroom.policy import TRANSITIONS

logger = logging.getLogger(__name__)

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
    if name == "publish_changes" and not ArticleDraft.objects.filter(article_id=article.pk).exists():
        raise TransitionNotAllowed(f"“{article.title}”没有未发布的修改。")
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
    transition = TRANSITIONS[name]
    note = note.strip()
    if transition.needs_note and not note:
        raise TransitionNotAllowed(f"{transition.label}时请填写意见，说明需要修改什么。", code="note")
    with transaction.atomic():
        if checked:
            moving, fields = article, None
        else:
            moving, fields = Article.objects.select_for_update().get(pk=article.pk), _MOVED_FIELDS
            check(user, moving, name)
            if name == "publish_changes":
                published = drafts.publish(moving, user, note)
                _notify_after_commit(published, name, user, note)
                return published
        source = moving.status
        moving.status = transition.target
        if transition.target == Status.PUBLISHED and source != Status.PUBLISHED:
            moving.publish_at = max(moving.publish_at, timezone.now())
            if moving.responsible_editor_id is None:
                moving.responsible_editor = user
        pending = ArticleDraft.objects.filter(article_id=moving.pk).first() if source == Status.PUBLISHED else None
        if pending is not None and not checked:
            # Leaving publication: what waited to be published becomes the story's text, unseen.
            drafts.apply_values(moving, pending.data)
            fields = None
        comment = f"{transition.label}：{Status(source).label} → {Status(transition.target).label}"
        if reversion.is_active():  # the admin's revision block: one revision for edits and move
            moving.save(update_fields=fields)
            reversion.set_comment(comment)
        else:
            with reversion.create_revision():
                moving.save(update_fields=fields)
                reversion.set_user(user)
                reversion.set_comment(comment)
        if pending is not None:
            if not checked:
                drafts.apply_relations(moving, pending.data)
            pending.delete()  # the form's edits (checked) or the story itself now hold them
        ArticleTransition.objects.create(
            article=moving, from_status=source, to_status=transition.target, user=user, note=note[:2000]
        )
        _notify_after_commit(moving, name, user, note)
    return moving


def _notify_after_commit(article, name, user, note):
    """Queue the e-mail about this step once it is saved; a broken queue never undoes the step."""
    if name not in tasks.NOTIFIED:
        return

    def enqueue():
        try:
            tasks.send_transition_mail.enqueue(article.pk, name, user.pk if user else None, note)
        except Exception:
            logger.exception("Could not queue the %s notice for article %s", name, article.pk)

    transaction.on_commit(enqueue)


def apply_many(articles, name, user, note=""):
    """Apply `name` to each article; return (done, skipped) lists. Permission is all or nothing."""
    if not policy.may_apply(user, name):
        raise PermissionDenied("您没有执行此操作的权限。")
    done, skipped = [], []
    for article in articles:
        try:
            done.append(apply(article, name, user, note))
        except (TransitionNotAllowed, PermissionDenied):
            skipped.append(article)
    return done, skipped
