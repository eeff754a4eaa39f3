"""Who may process submissions, as Django groups; created by migration 0002.

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
