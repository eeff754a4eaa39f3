"""Who may see and retry background tasks: 总编辑 (chief editor) watches the task queue and may
send a failed task (an e-mail, a rendition, a search document) round again (newsportal.task_admin).

The grants join the one roles registry, `articles.newsroom.roles` (registered from
`NewsportalConfig.ready()`); migration 0002 gives them to the group on an existing database.
"""

from articles.newsroom.roles import CHIEF

GRANTS = {CHIEF: ["django_tasks_database.view_dbtaskresult", "django_tasks_database.change_dbtaskresult"]}
