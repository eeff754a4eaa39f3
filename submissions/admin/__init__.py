"""The processing back office: lists with deadlines, status history, notes, replies, exports.

- `filters`: overdue, open/closed, assignee ("指派给我").
- `inlines`: attachments, status history, replies, deadline extensions, internal notes.
- `base`: `SubmissionAdmin`, what every kind shares (processing form, stale-save guard, exports).
- `kinds`: the registered admins for 投稿, 企业入驻申请 and 留言.
"""

from submissions.admin import kinds  # noqa: F401  (registers the admins)
