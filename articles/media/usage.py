"""Where library images are used: `ImageUsage` rows, one per story, copy and place.

A story uses an image as its cover (`cover_id`) or in its body (an <img> whose src is the
image's file URL, matched as `articles.media.html` matches them for srcset), in its live row
and in its unpublished changes (`ArticleDraft.data`). The rows are recomputed whenever a
story or its unpublished changes are saved, inside the same transaction, so the library can
say "已用于 N 篇文章" and refuse to delete a picture a story still shows.
`manage.py refresh_image_usage` rebuilds them all.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.media import html as media_html
from articles.models import Article, ArticleDraft, Image, ImageUsage

Copy, Place = ImageUsage.Copy, ImageUsage.Place

# What a refresh reads of a story; callers iterating many stories load only these.
ARTICLE_FIELDS = ("id", "body", "cover_id")


def refresh(article):
    """Recompute `article`'s usage rows from its row and its unpublished changes (if any)."""
    refresh_many([article])


def refresh_many(articles):
    """Recompute the usage rows of `articles` in one transaction: a few queries for them all."""
    articles = [article for article in articles if article.pk is not None]
    if not articles:
        return
    ids = [article.pk for article in articles]
    drafts = dict(ArticleDraft.objects.filter(article_id__in=ids).values_list("article_id", "data"))
    covers, bodies = [], []  # (article id, copy, image id) / (article id, copy, file names)
    for article in articles:
        copies = [(Copy.LIVE, article.body, article.cover_id)]
        data = drafts.get(article.pk)
        if isinstance(data, dict):
            copies.append((Copy.DRAFT, data.get("body"), data.get("cover_id")))
        for copy, body, cover_id in copies:
            if isinstance(cover_id, int) and not isinstance(cover_id, bool):
                covers.append((article.pk, copy, cover_id))
            if isinstance(body, str):
                bodies.append((article.pk, copy, media_html.library_file_names(body)))

    # A cover in unpublished changes may have been deleted since: only existing images count.
    cover_ids = {image_id for _, _, image_id in covers}
    existing = set(Image.objects.filter(pk__in=cover_ids).values_list("pk", flat=True)) if cover_ids else set()
    names = set().union(*(found for _, _, found in bodies))
    library = Image.objects.only("id", "file").by_file_name(names) if names else {}

    rows = {(image_id, article_id, copy, Place.COVER) for article_id, copy, image_id in covers if image_id in existing}
    rows |= {
        (library[name].pk, article_id, copy, Place.BODY)
        for article_id, copy, found in bodies
        for name in found
        if name in library
    }
    with transaction.atomic():
        ImageUsage.objects.filter(article_id__in=ids).delete()
        # Two saves of one story racing must not end in an IntegrityError: repeated rows are skipped.
        ImageUsage.objects.bulk_create(
            [ImageUsage(image_id=i, article_id=a, copy=c, place=p) for i, a, c, p in sorted(rows)],
            ignore_conflicts=True,
        )


def refresh_all(chunk_size=500):
    """Rebuild the rows of every story, `chunk_size` stories at a time; return how many."""
    done = 0
    last = 0
    while True:
        chunk = list(Article.objects.filter(pk__gt=last).order_by("pk").only(*ARTICLE_FIELDS)[:chunk_size])
        if not chunk:
            return done
        refresh_many(chunk)
        done += len(chunk)
        last = chunk[-1].pk


def with_story_count(images):
    """`images` annotated with `story_count`: how many stories use each (no query per image).

    A correlated subquery rather than a join: the list's COUNT and date queries stay as they
    were, and each shown row's count reads the (image, …) unique index.
    """
    stories = (
        ImageUsage.objects.filter(image=OuterRef("pk"))
        .order_by()
        .values("image")
        .annotate(n=Count("article", distinct=True))
        .values("n")
    )
    return images.annotate(story_count=Coalesce(Subquery(stories), 0))


@dataclass
class StoryUse:
    """One story's use of one image: where (cover, body) and in which copy (live, draft)."""

    article: Article
    places: dict = field(default_factory=dict)  # {Place: {Copy, …}}

    def describe(self):
        """Where readers see the image, then where they will once the changes are published:
        "封面、正文", "未发布的修改：封面", "封面；未发布的修改：正文"."""
        order = (Place.COVER, Place.BODY)
        live = [place.label for place in order if Copy.LIVE in self.places.get(place, ())]
        draft = [place.label for place in order if self.places.get(place) == {Copy.DRAFT}]
        parts = ["、".join(live)] if live else []
        if draft:
            parts.append(f"{Copy.DRAFT.label}：{'、'.join(draft)}")
        return "；".join(parts)


def stories_using(image_ids):
    """{image id: [StoryUse, …] ordered by title} for the images of `image_ids` that are used."""
    uses = defaultdict(dict)
    usages = (
        ImageUsage.objects.filter(image_id__in=list(image_ids))
        .select_related("article")
        .only("image_id", "copy", "place", "article__id", "article__title")
        .order_by("article__title", "article_id")
    )
    for usage in usages:
        use = uses[usage.image_id].setdefault(usage.article_id, StoryUse(usage.article))
        use.places.setdefault(Place(usage.place), set()).add(Copy(usage.copy))
    return {image_id: list(by_article.values()) for image_id, by_article in uses.items()}


# ---------- keeping the rows current ----------


def _refresh_article_id(article_id):
    article = Article.objects.filter(pk=article_id).only(*ARTICLE_FIELDS).first()
    if article is not None:
        refresh(article)


@receiver(post_save, sender=Article, dispatch_uid="articles.image_usage.article")
def _article_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not {"body", "cover", "cover_id"} & set(update_fields):
        return  # a status or counter change: the images are what they were
    refresh(instance)


@receiver(post_save, sender=ArticleDraft, dispatch_uid="articles.image_usage.draft_saved")
def _draft_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_article_id(instance.article_id)


@receiver(post_delete, sender=ArticleDraft, dispatch_uid="articles.image_usage.draft_deleted")
def _draft_deleted(sender, instance, origin=None, **kwargs):
    # When the story itself is being deleted, its usage rows go with it (cascade).
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if issubclass(model, Article):
        return
    _refresh_article_id(instance.article_id)
