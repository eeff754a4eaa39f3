"""What enterprises and readers send the office: contributions, entry requests and messages.

Each submission carries a tracking number (受理编号) and the hash of a secret query code
(查询码), a status with a recorded history, a deadline (办理期限) that officers may extend, an
assignee, internal notes, dated public replies and privately stored attachments. The three
kinds share all of that through `Submission` (`cases.py`); what hangs off one case is in
`parts.py`. Import the models from here.
"""

from submissions.models.cases import (
    ContactMessage,
    Contribution,
    EntryRequest,
    Submission,
    SubmissionQuerySet,
    TrackingCounter,
)
from submissions.models.parts import (
    Attachment,
    DeadlineExtension,
    InternalNote,
    Reply,
    StatusChange,
    SubmissionPart,
)
from submissions.ratelimit_models import RateLimitCounter  # the cache-down rate-limit counts

__all__ = [
    "Attachment",
    "ContactMessage",
    "Contribution",
    "DeadlineExtension",
    "EntryRequest",
    "InternalNote",
    "RateLimitCounter",
    "Reply",
    "StatusChange",
    "Submission",
    "SubmissionPart",
    "SubmissionQuerySet",
    "TrackingCounter",
]
