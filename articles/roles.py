"""The newsroom's roles as Django groups, defined once here and created by a data migration.

- 撰稿人 (writer): writes and edits their own drafts, submits them for review, uploads images.
- 编辑 (editor): edits any article, publishes and schedules, curates topics.
- 总编辑 (chief editor): everything, including take-down and delete.

`ensure_roles` only adds what is missing, so running it again (every `migrate` does, for
permissions of apps migrated later) never undoes an administrator's additions. What these
roles may do with submissions is defined in `submissions.roles`.
"""

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
ROLES = {WRITER: _WRITER, EDITOR: _EDITOR, CHIEF: _CHIEF}


def ensure_roles(group_model, permission_model, roles=ROLES):
    """Create the groups (the newsroom's by default) and give them the permissions that exist so far."""
    for name, perms in roles.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = {tuple(p.split(".")) for p in perms}
        found = [
            p.pk
            for p in permission_model.objects.filter(
                content_type__app_label__in={app for app, _ in wanted}, codename__in={c for _, c in wanted}
            ).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.add(*found)
