"""Who may do what to an article: the one place the admin, its forms, actions and views ask.

The moves between statuses are the table `TRANSITIONS` (草稿 → 待审核 → 已发布 → 已下线).
`may_apply` answers whether a user may ever make a move (their role, and for a 撰稿人 whether
the story is theirs); `refusal` answers why a story, as it stands, cannot make it now (its
status, or a take-down time before it would go live). `articles.newsroom.workflow` executes
the moves; it never decides them.
"""

from dataclasses import dataclass

from django.utils import timezone

from articles.models import Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str
    # Shown on admin buttons: the "danger" ones are styled apart.
    danger: bool = False
    # Asked for before the move is made (a confirm dialog on the button, a page for bulk actions).
    confirm: str = ""
    # The move needs a comment (退回修改: what to change), shown to and mailed to the writer.
    needs_note: bool = False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "提交审核", frozenset({Status.DRAFT}), Status.REVIEW, "articles.submit_article"),
        Transition(
            "publish", "发布", frozenset({Status.DRAFT, Status.REVIEW}), Status.PUBLISHED, "articles.publish_article"
        ),
        Transition(
            "reject", "退回修改", frozenset({Status.REVIEW}), Status.DRAFT, "articles.publish_article", needs_note=True
        ),
        # A published story's unpublished changes (articles.newsroom.drafts) go live.
        Transition(
            "publish_changes", "发布修改", frozenset({Status.PUBLISHED}), Status.PUBLISHED, "articles.publish_article"
        ),
        Transition(
            "archive",
            "下线",
            frozenset({Status.PUBLISHED}),
            Status.ARCHIVED,
            "articles.archive_article",
            danger=True,
            confirm="下线后读者将无法再看到这篇文章。确定下线吗？",
        ),
        Transition("reopen", "恢复为草稿", frozenset({Status.ARCHIVED}), Status.DRAFT, "articles.archive_article"),
    ]
}

# Fields only those who may publish set; everyone else sees them read-only.
PUBLISHING_FIELDS = ["publish_at", "expire_at", "responsible_editor", "is_headline", "is_pinned", "is_featured"]


def can_edit_others(user):
    return user.has_perm("articles.edit_others_article")


def can_edit(user, article=None):
    """May `user` change `article` (or articles at all, when None)?

    Editors change any story; a 撰稿人 changes only their own drafts: once submitted, the
    editors take over.
    """
    if not (user.is_active and user.has_perm("articles.change_article")):
        return False
    if article is None or article.pk is None or can_edit_others(user):
        return True
    return article.created_by_id == user.pk and article.status == Status.DRAFT


def can_publish(user):
    """May `user` publish, schedule and set the publishing fields (头条, 置顶, 责任编辑 …)?"""
    return user.is_active and user.has_perm("articles.publish_article")


def may_apply(user, name, article=None):
    """May `user` ever make the move `name` (on `article`, when given)?

    A 撰稿人 may submit only their own stories; every other move needs its permission.
    Whether the story's current status allows the move is `refusal`'s question.
    """
    transition = TRANSITIONS.get(name)
    if transition is None or not user.is_active or not user.has_perm(transition.permission):
        return False
    if name == "submit" and article is not None and article.pk is not None:
        return article.created_by_id == user.pk or can_edit_others(user)
    return True


def refusal(article, name, now=None):
    """Why `article`, as it stands, cannot make the move `name` now; None when it can."""
    transition = TRANSITIONS[name]
    if article.status not in transition.sources:
        return f"“{article.title}”当前状态为“{article.get_status_display()}”，不能{transition.label}。"
    if transition.target == Status.PUBLISHED and article.expire_at is not None:
        goes_live = max(article.publish_at, now or timezone.now())
        if article.expire_at <= goes_live:
            return f"“{article.title}”的下线时间早于发布时间，请先修改下线时间。"
    return None


def available(user, article):
    """The moves `user` may make on `article` in its current status (the admin's buttons)."""
    return [t for t in TRANSITIONS.values() if article.status in t.sources and may_apply(user, t.name, article)]
