"""Article revisions with django-reversion: what is kept, how two read side by side, and
restoring one.

Every save keeps a revision: the admin and the workflow open revision blocks with the user
and a comment; any other save (import command, shell, a future API) gets a revision of its
own from `_revision_outside_a_block`. reversion keeps the row and its regions/industries;
taggit's tags it does not follow, so every article version also records the tag names the
story had when the revision was committed (`VersionTags`).

Restoring brings back an old version's *content* (text, cover, source, classification, tags)
and never the workflow (status, times, 责任编辑), the view count or the version counter. A
story that is not published gets it through a normal save (the body is sanitised again, a new
revision says what was restored). A published story's live text does not change: the old
content becomes its unpublished changes (`articles.newsroom.drafts`), to be published later.

The differences shown on the compare and restore pages are computed by
`articles.newsroom.diff`; this module turns stored values into the plain words it compares.
"""

from collections import namedtuple

import reversion
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import dateformat, timezone
from reversion.errors import RevertError
from reversion.models import Version
from reversion.signals import post_revision_commit

from articles.models import Article, Channel, Image, Industry, Region, VersionTags
from articles.newsroom import diff, drafts

# Counters and derived data change without an editor doing anything: not part of a revision.
# Tags are kept apart (VersionTags): reversion does not follow taggit's generic relation.
EXCLUDED = ["view_count", "version", "search_document", "search_head", "updated_at", "tags"]
# reversion's own ignore_duplicates would compare the row only and drop a change of tags alone:
# `_record_tags` drops a version that repeats the previous one, tags included.
reversion.register(Article, exclude=EXCLUDED)

# How every revision page and message writes a time: local (Asia/Shanghai), to the minute.
TIME_FORMAT = "Y年n月j日 H:i"

# What "restore" brings back, by attname. Workflow fields (status, times, 责任编辑) move only
# through the workflow, never by restoring an old copy.
CONTENT_FIELDS = ["title", "subtitle", "summary", "body", "cover_id", "cover_alt", "source", "author", "channel_id"]
M2M_FIELDS = {"regions": Region, "industries": Industry}
RELATED = {"cover_id": Image, "channel_id": Channel}

RESTORED_FIELDS = [*CONTENT_FIELDS, *M2M_FIELDS, "tags"]
# What the compare page shows, in this order; the restore page shows RESTORED_FIELDS only.
FLAGS = ["is_headline", "is_pinned", "is_featured"]
SHOWN_FIELDS = [*RESTORED_FIELDS, "status", "publish_at", "expire_at", "responsible_editor_id", *FLAGS]
EMPTY = diff.EMPTY

Restored = namedtuple("Restored", ["article", "draft"])
Restored.__doc__ = "The article after a restore, and the unpublished changes it went to (None: into the row)."


def local_time(value):
    """`value` in the site's time zone, as every revision page writes it: 2026年11月26日 14:05."""
    return dateformat.format(timezone.localtime(value), TIME_FORMAT) if value else EMPTY


@receiver(post_save, sender=Article)
def _revision_outside_a_block(sender, instance, raw=False, **kwargs):
    if raw or reversion.is_active():
        return
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment("保存（非后台）")


@receiver(post_revision_commit)
def _record_tags(sender, revision, versions, **kwargs):
    """Keep each article version's tag names, and drop a version that repeats the one before it.

    The revision commits when its block closes, so an admin save has set the tags by then
    (the block wraps the whole change form view).
    """
    article_type = ContentType.objects.get_for_model(Article)
    ours = [version for version in versions if version.content_type_id == article_type.pk]
    if not ours:
        return
    articles = Article.objects.filter(pk__in={v.object_id for v in ours}).prefetch_related("tags")
    names = {str(article.pk): sorted(tag.name for tag in article.tags.all()) for article in articles}
    kept = []
    for version in ours:
        if _repeats_previous(version, names[version.object_id]):
            version.delete()
        else:
            kept.append(VersionTags(version=version, names=names[version.object_id]))
    VersionTags.objects.bulk_create(kept)
    if len(kept) < len(ours) and not revision.version_set.exists():
        revision.delete()


def _repeats_previous(version, tag_names):
    previous = (
        Version.objects.get_for_object_reference(Article, version.object_id)
        .exclude(pk=version.pk)
        .select_related("article_tags")
        .first()
    )
    if previous is None:
        return False
    try:
        same_row = previous.field_dict == version.field_dict
    except RevertError:  # a version stored in a shape the model no longer reads: keep the new one
        return False
    return same_row and version_tags(previous) == tag_names


def history(article):
    """The article's versions, newest first, with their revisions, users and tags."""
    return Version.objects.get_for_object(article).select_related("revision__user", "article_tags")


def version_tags(version):
    """The tag names recorded with `version`, or None for a version saved before tags were kept."""
    try:
        return list(version.article_tags.names)
    except VersionTags.DoesNotExist:
        return None


# ---------- values in plain words ----------


def _version_values(version):
    """A version's stored values by attname, with regions/industries id lists and tag names."""
    data = dict(version.field_dict)
    for name in M2M_FIELDS:
        data[name] = sorted(data.get(name) or [])
    data["tags"] = version_tags(version)
    return data


def _article_values(article):
    """The story's current values in the same shape as `_version_values`."""
    data = {name: getattr(article, name) for name in SHOWN_FIELDS if name not in (*M2M_FIELDS, "tags")}
    for name in M2M_FIELDS:
        data[name] = sorted(getattr(article, name).values_list("pk", flat=True))
    data["tags"] = sorted(article.tags.names())
    return data


def _label(name):
    if name == "tags":
        return "标签"
    return str(Article._meta.get_field(name.removesuffix("_id")).verbose_name)


def _plain(values_list):
    """Each value set (as from `_version_values`) in plain words, names looked up in one query per kind."""
    wanted = {name: set() for name in (*M2M_FIELDS, *RELATED, "responsible_editor_id")}
    for values in values_list:
        for name in M2M_FIELDS:
            wanted[name].update(values.get(name) or [])
        for name in (*RELATED, "responsible_editor_id"):
            if values.get(name):
                wanted[name].add(values[name])
    models = {**M2M_FIELDS, **RELATED, "responsible_editor_id": get_user_model()}
    names = {name: {obj.pk: obj for obj in models[name].objects.filter(pk__in=pks)} for name, pks in wanted.items()}

    def words(name, value):
        if name in M2M_FIELDS:
            return "、".join(str(names[name].get(pk, f"（已删除的 #{pk}）")) for pk in value) or EMPTY
        if name == "tags":
            return None if value is None else ("、".join(value) or EMPTY)
        if name in names:
            if value is None:
                return EMPTY
            obj = names[name].get(value)
            if obj is None:
                return f"（已删除的 #{value}）"
            return (obj.get_full_name() or obj.get_username()) if name == "responsible_editor_id" else str(obj)
        if name in ("publish_at", "expire_at"):
            return local_time(value)
        if name in FLAGS:
            return "是" if value else "否"
        if name == "status":
            return str(Article.Status(value).label) if value in Article.Status.values else str(value)
        return EMPTY if value in (None, "") else str(value)

    return [{name: words(name, values[name]) for name in SHOWN_FIELDS if name in values} for values in values_list]


def _compare_values(before, after, names):
    before, after = _plain([before, after])
    return diff.compare(before, after, [(name, _label(name)) for name in names])


def compare(older, newer):
    """[diff.FieldChange] for the fields that differ between two versions of one article."""
    return _compare_values(_version_values(older), _version_values(newer), SHOWN_FIELDS)


def compare_with_current(article, version):
    """[diff.FieldChange] from the story as it is now (its live row) to what restoring
    `version` would make of it: the restored fields only."""
    current = _article_values(article)
    return _compare_values(current, {**current, **restored_content(version)}, RESTORED_FIELDS)


# ---------- restore ----------


def restored_content(version):
    """What restoring `version` brings back, by attname as `drafts.save` takes it: content
    fields, regions, industries and (when recorded) tags; a cover or channel since deleted is left out."""
    stored = version.field_dict
    data = {name: stored[name] for name in CONTENT_FIELDS if name in stored}
    for name, model in RELATED.items():
        if data.get(name) is not None and not model.objects.filter(pk=data[name]).exists():
            data[name] = None
    for name, model in M2M_FIELDS.items():
        if name in stored:
            data[name] = sorted(model.objects.filter(pk__in=stored[name]).values_list("pk", flat=True))
    tags = version_tags(version)
    if tags is not None:
        data["tags"] = tags
    return data


def restore(article, version, user):
    """Bring `version`'s content back to `article`; return `Restored(article, draft)`.

    A published story keeps its live text: the content becomes its unpublished changes
    (`draft`), replacing any it had. Any other story gets it as a new revision.
    """
    if version.object_id != str(article.pk) or version.content_type.model_class() is not Article:
        raise ValueError("该版本不属于这篇文章。")
    data = restored_content(version)
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if drafts.holds_drafts(current):
            return Restored(current, drafts.save(current, data, user))
        with reversion.create_revision():
            for name in CONTENT_FIELDS:
                if name in data:
                    setattr(current, name, data[name])
            current.save()
            for name in M2M_FIELDS:
                if name in data:
                    getattr(current, name).set(data[name])
            if "tags" in data:
                current.tags.set(data["tags"], clear=True)
            reversion.set_user(user)
            reversion.set_comment(f"恢复到 {local_time(version.revision.date_created)} 的版本")
    return Restored(current, None)
