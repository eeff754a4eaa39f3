"""Article revisions with django-reversion: what is kept, the diff of two, and restoring one.

Every save keeps a revision: the admin and the workflow open revision blocks with the user
and a comment; any other save (import command, shell, a future API) gets a revision of its
own from `_revision_outside_a_block`.

Restoring brings back an old revision's *content* (text, cover, source, classification)
through a normal save, so the body is sanitised again, the version counter moves on and
the view count and workflow status stay as they are now.
"""

import difflib
import re
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Channel, Image, Industry, Region

# Counters and derived data change without an editor doing anything: not part of a revision.
EXCLUDED = ["view_count", "version", "search_document", "updated_at"]
reversion.register(Article, exclude=EXCLUDED, ignore_duplicates=True)

# What "restore" brings back. Workflow fields (status, times, 责任编辑) move only through
# the workflow, never by restoring an old copy.
CONTENT_FIELDS = ["title", "subtitle", "summary", "body", "cover", "cover_alt", "source", "author", "channel"]
M2M_FIELDS = {"regions": Region, "industries": Industry}
DIFF_FIELDS = [*CONTENT_FIELDS, "regions", "industries", "status", "publish_at", "expire_at", "responsible_editor"]
RELATED = {"cover": Image, "channel": Channel}


@receiver(post_save, sender=Article)
def _revision_outside_a_block(sender, instance, raw=False, **kwargs):
    if raw or reversion.is_active():
        return
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment("保存（非后台）")


def history(article):
    """The article's versions, newest first, with their revisions and users."""
    return Version.objects.get_for_object(article).select_related("revision__user")


# ---------- diff ----------

_BLOCK_END = re.compile(r"(</(?:p|h[2-4]|li|blockquote|figure|tr|table|ul|ol)>)")


def _lines(value):
    text = "" if value is None else str(value)
    return [line for line in _BLOCK_END.sub(r"\1\n", text).splitlines() if line.strip()]


@dataclass
class FieldDiff:
    label: str
    rows: list  # (kind, text) with kind in {"same", "del", "add"}


def _display(field_name, value):
    field = Article._meta.get_field(field_name)
    if field_name in M2M_FIELDS:
        names = dict(M2M_FIELDS[field_name].objects.filter(pk__in=value or []).values_list("pk", "name"))
        return "、".join(names.get(pk, f"#{pk}") for pk in value or []) or "—"
    if field_name in RELATED:
        obj = RELATED[field_name].objects.filter(pk=value).first() if value else None
        return str(obj) if obj else "—"
    if field_name == "responsible_editor":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=value).first() if value else None
        return (user.get_full_name() or user.username) if user else "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return "—" if value in (None, "") else value


def compare(older, newer):
    """[FieldDiff] for the fields that differ between two versions of one article."""
    diffs = []
    for name in DIFF_FIELDS:
        key = Article._meta.get_field(name).attname
        a, b = older.field_dict.get(key), newer.field_dict.get(key)
        if name in M2M_FIELDS:
            a, b = sorted(a or []), sorted(b or [])
        if a == b:
            continue
        label = str(Article._meta.get_field(name).verbose_name)
        before, after = _lines(_display(name, a)), _lines(_display(name, b))
        rows = []
        for line in difflib.ndiff(before, after):
            tag, text = line[:2], line[2:]
            if tag == "  ":
                rows.append(("same", text))
            elif tag == "- ":
                rows.append(("del", text))
            elif tag == "+ ":
                rows.append(("add", text))
        diffs.append(FieldDiff(label, rows))
    return diffs


# ---------- restore ----------


def restore(article, version, user):
    """Bring `version`'s content back into `article` as a new revision; return the article."""
    if version.object_id != str(article.pk) or version.content_type.model_class() is not Article:
        raise ValueError("该版本不属于这篇文章。")
    data = version.field_dict
    with transaction.atomic(), reversion.create_revision():
        current = Article.objects.select_for_update().get(pk=article.pk)
        for name in CONTENT_FIELDS:
            attname = Article._meta.get_field(name).attname
            if attname in data:
                setattr(current, attname, data[attname])
        if current.cover_id and not Image.objects.filter(pk=current.cover_id).exists():
            current.cover = None
        if current.channel_id and not Channel.objects.filter(pk=current.channel_id).exists():
            current.channel = None
        current.save()
        for name, model in M2M_FIELDS.items():
            if name in data:
                getattr(current, name).set(model.objects.filter(pk__in=data[name]))
        reversion.set_user(user)
        reversion.set_comment(f"恢复到 {timezone.localtime(version.revision.date_created):%Y-%m-%d %H:%M} 的版本")
    return current
