"""Unpublished changes: editing a published story without touching what readers see.

A published story (live, scheduled or expired) keeps its row as the version readers get.
An editor's save of such a story lands in its `ArticleDraft` instead: the form's values,
sanitised like a real save, with who and when. The change form shows those values; the
story is listed as "已发布，有未发布的修改". Then:

- `publish()` copies them into the row, as one save with one revision, and removes them;
- `save(..., go_live_at=...)` schedules that for later: `publish_due()` does it when the time
  has come (run by `manage.py publish_scheduled_changes` and, at most once a minute, by
  `ScheduledChangesMiddleware`, so a site without cron still gets there);
- `discard()` drops them.

Stories that are not published (草稿, 待审核, 已下线) are not public: they are edited in place.
"""

import datetime
import logging
import time

import reversion
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleDraft, ArticleTransition, Channel, Image, Industry, Region, Status
from newsportal.tasks import uses_worker

logger = logging.getLogger(__name__)

# What unpublished changes may hold, by attname: everything the change form edits.
SCALAR_FIELDS = [
    "title", "subtitle", "summary", "body", "cover_id", "cover_alt", "source", "author", "channel_id",
    "responsible_editor_id", "publish_at", "expire_at", "is_headline", "is_pinned", "is_featured",
]  # fmt: skip
TIME_FIELDS = {"publish_at", "expire_at"}
M2M_FIELDS = {"regions": Region, "industries": Industry}
# Foreign keys a draft may hold that can disappear while it waits: dropped when gone.
_REFERENCES = {"cover_id": Image, "channel_id": Channel}


def holds_drafts(article):
    """Are `article`'s edits kept apart until published? Yes once it has been published."""
    return article.pk is not None and article.status == Status.PUBLISHED


def pending(article):
    """The story's unpublished changes, or None."""
    if article.pk is None:
        return None
    return ArticleDraft.objects.filter(article=article).first()


# ---------- form values <-> JSON ----------


def from_form(form):
    """The JSON-ready values of a valid article change form (fields it does not show are left out)."""
    data = {}
    for name, value in form.cleaned_data.items():
        field = _model_field(name)
        if field is None:
            continue
        if name in M2M_FIELDS:
            data[name] = sorted(obj.pk for obj in value)
        elif name == "tags":
            data["tags"] = sorted({str(tag) for tag in value})
        elif field.is_relation:
            data[field.attname] = value.pk if value is not None else None
        elif isinstance(value, datetime.datetime):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


def snapshot(article):
    """The story's current values in the same shape: what a draft would start from."""
    data = {name: getattr(article, name) for name in SCALAR_FIELDS}
    for name in TIME_FIELDS:
        data[name] = data[name].isoformat() if data[name] else None
    for name in M2M_FIELDS:
        data[name] = sorted(getattr(article, name).values_list("pk", flat=True))
    data["tags"] = sorted(article.tags.names())
    return data


def form_initial(draft):
    """The values of `draft` as a change form's initial data."""
    initial = {}
    for name, value in draft.data.items():
        if name in TIME_FIELDS:
            initial[name] = _parse_time(value)
        elif name == "tags":
            initial[name] = [Tag(name=tag) for tag in value]  # what taggit's field compares and shows
        elif name.endswith("_id"):
            initial[name.removesuffix("_id")] = value
        else:
            initial[name] = value
    return initial


def apply_values(article, data):
    """Set `data`'s scalar values on `article` in memory (a cover or channel since deleted is dropped)."""
    for name in SCALAR_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in TIME_FIELDS:
            value = _parse_time(value)
        if name in _REFERENCES and value is not None and not _REFERENCES[name].objects.filter(pk=value).exists():
            value = None
        setattr(article, name, value)
    if "cover_id" in data:
        article.__dict__.pop("_cover_cache", None)
        article._state.fields_cache.pop("cover", None)
    if "publish_at" in data and article.publish_at is None:
        article.publish_at = timezone.now()


def apply_relations(article, data):
    """Set `data`'s regions, industries and tags on the saved `article`."""
    for name, model in M2M_FIELDS.items():
        if name in data:
            getattr(article, name).set(model.objects.filter(pk__in=data[name]))
    if "tags" in data:
        article.tags.set(data["tags"], clear=True)


def _model_field(name):
    try:
        return Article._meta.get_field(name)
    except Exception:  # a form-only field (loaded_version, go-live time)
        return None


def _parse_time(value):
    if not value:
        return None
    return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value


# ---------- the operations ----------


def save(article, data, user, go_live_at=None):
    """Keep `data` as `article`'s unpublished changes (replacing earlier ones); return the draft.

    The body is sanitised as a real save would, so the draft shows
    what publishing will produce. The story's version moves on, so a form opened before
    this save cannot overwrite it (the stale-save guard compares versions).
    """
    preview = Article.objects.get(pk=article.pk)
    apply_values(preview, data)
    preview.prepare_content()
    data = {**data, "body": preview.body, "summary": preview.summary, "cover_alt": preview.cover_alt}
    with transaction.atomic():
        draft, _ = ArticleDraft.objects.select_for_update().get_or_create(article_id=article.pk)
        draft.data = data
        draft.go_live_at = go_live_at
        draft.updated_by = user
        draft.save()
        Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.version = Article.objects.values_list("version", flat=True).get(pk=article.pk)
    return draft


def publish(article, user, note=""):
    """Make `article`'s unpublished changes live: one save, one revision; return the article.

    Nothing to publish returns the article unchanged.
    """
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        draft = ArticleDraft.objects.filter(article=current).first()
        if draft is None:
            return current
        with _revision(user, "发布修改"):
            apply_values(current, draft.data)
            current.save()
            apply_relations(current, draft.data)
        draft.delete()
        ArticleTransition.objects.create(
            article=current, from_status=current.status, to_status=current.status, user=user, note=note or "发布修改"
        )
    return current


def discard(article, user):
    """Drop `article`'s unpublished changes; return whether there were any."""
    with transaction.atomic():
        deleted, _ = ArticleDraft.objects.filter(article_id=article.pk).delete()
        if deleted:
            Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
            ArticleTransition.objects.create(
                article_id=article.pk, from_status=Status.PUBLISHED, to_status=Status.PUBLISHED, user=user,
                note="放弃未发布的修改",
            )  # fmt: skip
    return bool(deleted)


def publish_due(now=None):
    """Publish every scheduled change whose time has come; return how many were published.

    Each story is published on its own: one failing (say, a deleted cover) is logged and
    the others still go out.
    """
    now = now or timezone.now()
    published = 0
    for draft in ArticleDraft.objects.due(now).select_related("article", "updated_by").order_by("go_live_at"):
        try:
            publish(draft.article, draft.updated_by, note="定时发布修改")
            published += 1
        except DatabaseError:
            logger.exception("Scheduled change to article %s could not be published", draft.article_id)
    return published


class _revision:
    """A revision block with `user` and `comment`, or the comment added to the one already open."""

    def __init__(self, user, comment):
        self.user, self.comment, self.block = user, comment, None

    def __enter__(self):
        if not reversion.is_active():
            self.block = reversion.create_revision()
            self.block.__enter__()
            reversion.set_user(self.user)
        reversion.set_comment(self.comment)

    def __exit__(self, *exc):
        if self.block is not None:
            return self.block.__exit__(*exc)
        return False


class ScheduledChangesMiddleware:
    """Publish due scheduled changes at most once per NEWSROOM_SCHEDULED_CHANGES_INTERVAL seconds.

    For sites that run no task worker and no `publish_scheduled_changes` job. One indexed
    query a minute per process; a failure is logged and never reaches the reader. 0 turns it
    off, and so do task workers (TASKS_BACKEND=database): they publish due changes themselves
    (newsportal.worker), off the readers' requests.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.checked = 0.0

    def __call__(self, request):
        interval = getattr(settings, "NEWSROOM_SCHEDULED_CHANGES_INTERVAL", 60)
        if interval and time.monotonic() - self.checked >= interval and not uses_worker():
            self.checked = time.monotonic()
            try:
                publish_due()
            except DatabaseError:
                logger.exception("Publishing scheduled changes failed")
        return self.get_response(request)
