"""The case desk's boxes on the admin dashboard: new contributions and entry requests."""

from django.urls import reverse

from articles.newsroom.dashboard import box
from submissions.models import Contribution, EntryRequest

# (model, box title): each box lists the submissions still in their first status.
WAITING = [(Contribution, "新投稿"), (EntryRequest, "新的入驻申请")]


def panel(user):
    """The boxes `user` may see: new submissions of each kind they may view."""
    boxes = []
    for model, title in WAITING:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        waiting = model.objects.filter(status=model.INITIAL_STATUS).order_by("-pk")
        more = f"{changelist}?status__exact={model.INITIAL_STATUS}"
        boxes.append(box(title, waiting, more, str, _change_url(changelist)))
    return boxes


def _change_url(changelist):
    return lambda obj: f"{changelist}{obj.pk}/change/"
