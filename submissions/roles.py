"""Who may process submissions: the Django groups (created by migration 0002), and the staff
who may be assigned a case (`processing_staff`).

- 招商专员 (investment officer): processes contributions, entry requests and messages in the
  admin: status, assignee, public reply, internal notes, exports and attachment downloads.
  Deletes nothing and has no article permissions, so "转为文章草稿" is not theirs: turning a
  reader's story into a draft is an editorial decision, and it needs `articles.add_article`
  and `articles.add_image` (see ContributionAdmin.has_convert_permission).
- 总编辑 (chief editor): the same processing; with the newsroom permissions it already has
  (articles.newsroom.roles) the chief can also convert contributions to drafts.
- 编辑 (editor): reads submissions with their attachments, history and notes; changes nothing.

These grants join the newsroom's in the one roles registry, `articles.newsroom.roles`
(registered from `SubmissionsConfig.ready()`), which says how definitions reach a database.
"""

from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from articles.newsroom.roles import CHIEF, EDITOR

OFFICER = "招商专员"

_VIEW = [
    "submissions.view_contribution",
    "submissions.view_entryrequest",
    "submissions.view_contactmessage",
    "submissions.view_attachment",  # the attachment list and downloads on the detail page
    "submissions.view_statuschange",  # the status history
    "submissions.view_internalnote",
]
_PROCESS = [
    *_VIEW,
    "submissions.change_contribution",
    "submissions.change_entryrequest",
    "submissions.change_contactmessage",
    "submissions.add_internalnote",  # notes are added, never edited or deleted
]
GRANTS = {OFFICER: _PROCESS, CHIEF: _PROCESS, EDITOR: _VIEW}


def processing_staff(model):
    """Who may be made the 经办人 of a `model` submission: active staff allowed to change it
    (through a group or directly) and active superusers, ordered by name.

    One query: the permission checks are EXISTS subqueries, so there are no duplicate rows to
    remove and nothing is asked per user.
    """
    opts = model._meta
    change = Permission.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        codename=get_permission_codename("change", opts),
    )
    User = get_user_model()
    directly = User.user_permissions.through.objects.filter(user=OuterRef("pk"), permission__in=change)
    via_group = User.groups.through.objects.filter(user=OuterRef("pk"), group__permissions__in=change)
    return User.objects.filter(
        Q(is_superuser=True) | Exists(directly) | Exists(via_group), is_active=True, is_staff=True
    ).order_by("first_name", "last_name", "username")


def display_name(user):
    """How staff are named to each other: the full name, else the username."""
    return (user.get_full_name() or user.get_username()) if user else ""
