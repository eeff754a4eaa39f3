"""The case desk's boxes on the admin dashboard: what waits in each kind of submission.

Contributions and entry requests are listed while new; messages while open (a message has no
separate "new" stage worth a box of its own). Every box links to the officer's views of the
list: 已逾期, and the open ones 指派给我 or 未指派, the changelist filters OverdueFilter, AssigneeFilter and
OpenFilter in submissions.admin.filters.
"""

from django.db.models import Count, Q
from django.urls import reverse

from articles.newsroom.dashboard import box
from submissions.models import ContactMessage, Contribution, EntryRequest

# (model, box title, which submissions the box lists)
WAITING = [
    (Contribution, "新投稿", lambda model: model.objects.filter(status=model.INITIAL_STATUS)),
    (EntryRequest, "新的入驻申请", lambda model: model.objects.filter(status=model.INITIAL_STATUS)),
    (ContactMessage, "待办留言", lambda model: model.objects.open()),
]


def panel(user):
    """The boxes `user` may see: one per kind of submission they may view."""
    boxes = []
    for model, title, waiting in WAITING:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        items = waiting(model).order_by("-pk")
        more = changelist + ("?open=yes" if model is ContactMessage else f"?status__exact={model.INITIAL_STATUS}")
        entry = box(title, items, more, str, _change_url(changelist))
        entry["links"] = _queue_links(model, user, changelist)
        boxes.append(entry)
    return boxes


def queue_counts(model, user):
    """{"open", "overdue", "mine", "unassigned"}: how many `model` submissions are open, and of
    those past their deadline, assigned to `user`, assigned to nobody; in one query (the
    queryset says what open and overdue mean)."""
    overdue = model.objects.overdue().values("pk")
    return model.objects.open().aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(pk__in=overdue)),
        mine=Count("pk", filter=Q(assignee=user)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
    )


def _queue_links(model, user, changelist):
    counts = queue_counts(model, user)
    return [
        (f"已逾期 {counts['overdue']}", f"{changelist}?overdue=yes"),
        (f"指派给我 {counts['mine']}", f"{changelist}?assigned=me&open=yes"),
        (f"未指派 {counts['unassigned']}", f"{changelist}?assigned=none&open=yes"),
    ]


def _change_url(changelist):
    return lambda obj: f"{changelist}{obj.pk}/change/"
