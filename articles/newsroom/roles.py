"""The back office's roles as Django groups: one registry for every app's grants, one sync.

This module owns all groups. Each app declares what a role may do with its own models and
registers it here: the newsroom below, submissions in `submissions.roles` (registered from
`SubmissionsConfig.ready()`).

- 撰稿人 (writer): writes and edits their own drafts, submits them for review, uploads images.
- 编辑 (editor): edits any article, publishes and schedules, curates topics.
- 总编辑 (chief editor): everything, including take-down and delete.

What an administrator changes in a group is theirs to keep. `migrate` creates a group that
does not exist yet (a fresh database, a new role) with its defined permissions, and never
adds to or removes from a group that exists. When the definitions change (a new feature, a
new app), `manage.py sync_roles` lists what they would add to each group and what the
groups hold beyond them, and `--apply` grants the missing permissions: a permission an
administrator removed comes back only that way, by someone who has read the list.
`migrate` prints a one-line reminder when existing groups and definitions differ.
"""

from dataclasses import dataclass, field

WRITER, EDITOR, CHIEF = "撰稿人", "编辑", "总编辑"

_WRITER = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.submit_article",
    "articles.add_image",
    "articles.view_image",
    "articles.view_region",
    "articles.view_channel",
    "articles.view_industry",
    "taggit.view_tag",
]
_EDITOR = [
    *_WRITER,
    "articles.publish_article",
    "articles.edit_others_article",
    "articles.change_image",
    "articles.add_topic",
    "articles.change_topic",
    "articles.view_topic",
    "articles.add_topicentry",
    "articles.change_topicentry",
    "articles.delete_topicentry",
    "articles.view_topicentry",
    "taggit.add_tag",
    "taggit.change_tag",
]
_CHIEF = [
    *_EDITOR,
    "articles.archive_article",
    "articles.delete_article",
    "articles.delete_image",
    "articles.delete_topic",
    "articles.add_region",
    "articles.change_region",
    "articles.add_channel",
    "articles.change_channel",
    "articles.add_industry",
    "articles.change_industry",
    "taggit.delete_tag",
]
NEWSROOM = {WRITER: _WRITER, EDITOR: _EDITOR, CHIEF: _CHIEF}

_registry = {}


def register(grants):
    """Add `grants` ({group name: ["app_label.codename", …]}) to the roles' definitions."""
    for role, perms in grants.items():
        _registry.setdefault(role, set()).update(perms)


def definitions():
    """{group name: set of "app_label.codename"} from every app that registered grants."""
    return {role: set(perms) for role, perms in _registry.items()}


register(NEWSROOM)


def _permission_ids(permission_model, wanted):
    """{"app_label.codename": pk} for the permissions in `wanted` that exist."""
    pairs = {tuple(p.split(".", 1)) for p in wanted}
    found = permission_model.objects.filter(
        content_type__app_label__in={app for app, _ in pairs}, codename__in={c for _, c in pairs}
    ).values_list("pk", "content_type__app_label", "codename")
    return {f"{app}.{codename}": pk for pk, app, codename in found if (app, codename) in pairs}


def ensure_roles(group_model, permission_model, roles):
    """Create the groups in `roles` and grant what they define (adds only). For data migrations."""
    for name, perms in roles.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*_permission_ids(permission_model, perms).values())


@dataclass
class RoleDiff:
    """How one group differs from its definition."""

    role: str
    exists: bool
    missing: list = field(default_factory=list)  # defined, not granted
    extra: list = field(default_factory=list)  # granted, not defined (an administrator's additions)
    unknown: list = field(default_factory=list)  # defined, but no such permission in the database

    @property
    def in_sync(self):
        return self.exists and not self.missing


def compare(group_model, permission_model, roles=None):
    """[RoleDiff] for every defined role, in a stable order."""
    roles = definitions() if roles is None else roles
    diffs = []
    for name in sorted(roles):
        wanted = roles[name]
        ids = _permission_ids(permission_model, wanted)
        group = group_model.objects.filter(name=name).first()
        held = set()
        if group is not None:
            held = {
                f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")
            }
        diffs.append(
            RoleDiff(
                role=name,
                exists=group is not None,
                missing=sorted(set(ids) - held),
                extra=sorted(held - set(wanted)),
                unknown=sorted(set(wanted) - set(ids)),
            )
        )
    return diffs


def apply(diffs, group_model, permission_model, remove_extra=False):
    """Create missing groups and grant missing permissions (and drop extras if asked)."""
    for diff in diffs:
        group, _ = group_model.objects.get_or_create(name=diff.role)
        group.permissions.add(*_permission_ids(permission_model, diff.missing).values())
        if remove_extra and diff.extra:
            group.permissions.remove(*_permission_ids(permission_model, diff.extra).values())
