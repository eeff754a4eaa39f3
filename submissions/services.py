"""The rules for receiving and processing submissions; views and the admin call these."""

from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape

from articles.content import richtext
from articles.media import library, renditions
from articles.models import Article, Image
from submissions import attachments, deadlines, tasks, tracking
from submissions.models import Attachment, Contribution, EntryRequest, StatusChange


@dataclass(frozen=True)
class Receipt:
    """What the submitter is shown once their submission is safe."""

    submission: object
    query_code: str
    duplicate: bool = False

    @property
    def formatted_code(self):
        return tracking.format_query_code(self.query_code)


def find_duplicate(model, token):
    """The submission already saved from this form token, if any (double click, back and resubmit)."""
    return model.objects.filter(form_token=token.fingerprint).first()


def submit(submission, token, files=()):
    """Save a new submission and its attachments in one go; e-mails follow after commit.

    `files` are (label, PreparedFile) pairs. They are written before the transaction and
    deleted again if it fails, so a failure leaves neither rows nor files behind. A second
    submission with the same token returns the first one's receipt instead of a copy.
    """
    model = type(submission)
    code_hash = tracking.hash_query_code(token.query_code)  # slow on purpose: outside the transaction
    stored = []
    try:
        for label, prepared in files:
            stored.append(attachments.store(prepared, label))
        with transaction.atomic():
            now = timezone.now()
            submission.received_at = now
            submission.due_at = deadlines.due_at(now)
            submission.status = model.INITIAL_STATUS
            submission.query_code_hash = code_hash
            submission.form_token = token.fingerprint
            submission.tracking_number = tracking.next_tracking_number(model.TRACKING_PREFIX)
            submission.save()
            StatusChange.objects.create(submission=submission, to_status=submission.status, changed_at=now)
            for attachment in stored:
                attachment.submission = submission
            Attachment.objects.bulk_create(stored)
            transaction.on_commit(partial(tasks.submission_received.enqueue, submission.model_label, submission.pk))
    except IntegrityError:
        attachments.delete_files(stored)
        existing = find_duplicate(model, token)
        if existing is None:
            raise
        return Receipt(existing, token.query_code, duplicate=True)
    except BaseException:
        attachments.delete_files(stored)
        raise
    return Receipt(submission, token.query_code)


def check_transition(submission, old_status, new_status):
    """Raise ValidationError unless a submission may move from old_status to new_status."""
    if new_status == old_status or new_status in submission.TRANSITIONS.get(old_status, ()):
        return
    labels = submission.Status
    raise ValidationError(f"不能从“{labels(old_status).label}”改为“{labels(new_status).label}”。", code="transition")


def save_by_staff(submission, user, old_status, changed_fields):
    """Save staff edits: record a status change, date and mail a new public reply.

    Giving an entry request that is only 已受理 an assignee moves it on to 已分派.
    """
    with transaction.atomic():
        if (
            isinstance(submission, EntryRequest)
            and "assignee" in changed_fields
            and submission.assignee_id
            and submission.status == old_status == EntryRequest.Status.RECEIVED
        ):
            submission.status = EntryRequest.Status.ASSIGNED
        reply_changed = "public_reply" in changed_fields and submission.public_reply.strip()
        if reply_changed:
            submission.replied_at = timezone.now()
        submission.save()
        if submission.status != old_status:
            StatusChange.objects.create(
                submission=submission, from_status=old_status, to_status=submission.status, changed_by=user
            )
        if reply_changed:
            transaction.on_commit(partial(tasks.reply_published.enqueue, submission.model_label, submission.pk))


def change_status(submission, new_status, user):
    """Move one submission to a new status (bulk actions), recorded with who and when."""
    old_status = submission.status
    check_transition(submission, old_status, new_status)
    if new_status == old_status:
        return False
    submission.status = new_status
    save_by_staff(submission, user, old_status, {"status"})
    return True


@dataclass(frozen=True)
class Conversion:
    """The draft a contribution became, and the images the media library refused."""

    article: Article
    created: bool
    # (original file name, reason) of image attachments left out of the draft
    skipped: tuple = ()


def convert_to_article(contribution, user):
    """Create a draft article from a contribution (text, region, images) and link it back.

    The image attachments enter the media library through its own checks: the first becomes
    the cover, the others figures at the end of the body, for the editor to place. Their
    renditions are made here, before the article is saved, so the draft's cover and body
    images carry srcset from the start. An image the library refuses is left out and
    reported. A contribution already converted returns its article: never a second one.
    If anything fails, no row is written and every file written so far is removed again.
    """
    written = []
    try:
        with transaction.atomic():
            locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
            if locked.article_id is not None:
                return Conversion(Article.objects.get(pk=locked.article_id), created=False)
            pictures, skipped = [], []
            for attachment in locked.attachments.filter(kind=Attachment.Kind.IMAGE).order_by("id"):
                alt = f"投稿配图：{locked.title}" + (f"（图{len(pictures) + 1}）" if pictures else "")
                try:
                    pictures.append(_library_image(attachment, alt, locked, user, written))
                except ValidationError as error:
                    skipped.append((attachment.original_name, " ".join(error.messages)))
                except FileNotFoundError:
                    skipped.append((attachment.original_name, "附件文件不存在。"))
            cover, figures = (pictures[0], pictures[1:]) if pictures else (None, [])
            article = Article(
                title=locked.title,
                body=richtext.text_to_html(locked.body) + "".join(_figure(picture) for picture in figures),
                status=Article.Status.DRAFT,
                author=locked.name,
                source=locked.organization or "读者投稿",
                responsible_editor=user,
                cover=cover,
            )
            article.save()
            article.regions.set([locked.region_id])
            locked.article = article
            locked.save(update_fields=["article", "updated_at"])
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    contribution.article = article
    return Conversion(article, created=True, skipped=tuple(skipped))


def _library_image(attachment, alt, contribution, user, written):
    """A media-library Image made from one image attachment, with its renditions.

    Raises ValidationError when the library's rules refuse the picture. The names of the
    files written are appended to `written` as soon as they exist, for the caller's cleanup.
    """
    with attachment.file.open("rb") as handle:
        content = library.clean_upload(handle)
    picture = Image(alt_text=alt, credit=f"投稿人：{contribution.name}", uploaded_by=user)
    picture.file.save(content.name, content, save=False)
    written.append(picture.file.name)
    picture.save()
    try:
        # Now rather than after commit: Article.save writes srcset only for images that have them.
        renditions.generate_renditions.call(picture.pk)
    except BaseException:
        # A half-made set of renditions is not in the row yet; find its files by their folder.
        storage, folder = picture.file.storage, f"renditions/{picture.pk}"
        if storage.exists(folder):
            written.extend(f"{folder}/{name}" for name in storage.listdir(folder)[1])
        raise
    picture.refresh_from_db(fields=["renditions"])
    written.extend(rendition["name"] for rendition in picture.renditions)
    return picture


def _figure(picture):
    """A body figure as the editor inserts one; Article.save adds its srcset and lazy loading."""
    return f'<figure><img src="{escape(picture.file.url)}" alt="{escape(picture.alt_text)}"></figure>'
