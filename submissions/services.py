"""The rules for receiving and processing submissions; views and the admin call these."""

import datetime
import posixpath
import uuid
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.content import richtext
from articles.media import library, renditions
from articles.models import Article, ArticleAttachment, Image
from submissions import attachments, deadlines, tasks, tracking
from submissions.models import (
    Attachment,
    Contribution,
    DeadlineExtension,
    EntryRequest,
    Reply,
    StatusChange,
)


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
            submission.due_date = deadlines.due_date(now)
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


@dataclass(frozen=True)
class Extension:
    """An officer's move of a deadline to `new_date`, for `reason` (checked by check_extension)."""

    new_date: datetime.date
    reason: str


def check_extension(submission, new_date, new_status=None):
    """Raise ValidationError unless the deadline of `submission` may move to `new_date`."""
    if (new_status or submission.status) in submission.CLOSED_STATUSES:
        raise ValidationError("已办结的事项无需延长办理期限。", code="closed")
    if new_date <= submission.due_date:
        current = deadlines.day_label(submission.due_date)
        raise ValidationError(f"新的办理期限须晚于当前期限（{current}）。", code="earlier")
    if new_date - submission.due_date > deadlines.MAX_EXTENSION:
        raise ValidationError("一次延期不能超过一年。", code="too_far")
    if not deadlines.is_working_day(new_date):
        raise ValidationError(f"{deadlines.day_label(new_date)}不是工作日，请选择工作日。", code="not_working_day")


def save_by_staff(submission, user, old_status, changed_fields, reply="", extension=None):
    """Save staff edits in one transaction: the submission, a status change, a new reply, an extension.

    Giving an entry request that is only 已受理 an assignee moves it on to 已分派. The submitter
    hears of each step once, after commit: a new reply is mailed (with the new status when the
    status changed in the same save), a status change alone gets its own notice, and so does an
    extended deadline. `extension` is an Extension already checked by the form.
    """
    reply = (reply or "").strip()
    with transaction.atomic():
        if (
            isinstance(submission, EntryRequest)
            and "assignee" in changed_fields
            and submission.assignee_id
            and submission.status == old_status == EntryRequest.Status.RECEIVED
        ):
            submission.status = EntryRequest.Status.ASSIGNED
        previous_due = submission.due_date
        if extension is not None:
            submission.due_date = extension.new_date
        submission.updated_by = user
        submission.save()
        change = None
        if submission.status != old_status:
            change = StatusChange.objects.create(
                submission=submission, from_status=old_status, to_status=submission.status, changed_by=user
            )
        if reply:
            entry = Reply.objects.create(submission=submission, author=user, text=reply)
            _after_commit(tasks.reply_published, entry.pk, change.pk if change else None)
        elif change is not None:
            _after_commit(tasks.status_changed, change.pk)
        if extension is not None:
            moved = DeadlineExtension.objects.create(
                submission=submission,
                previous_date=previous_due,
                new_date=extension.new_date,
                reason=extension.reason.strip(),
                extended_by=user,
            )
            _after_commit(tasks.deadline_extended, moved.pk)


def _after_commit(task, *args):
    transaction.on_commit(partial(task.enqueue, *args))


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
    """The draft a contribution became, and the attachments that could not come along."""

    article: Article
    created: bool
    # (original file name, reason) of image attachments left out of the draft
    skipped: tuple = ()
    # (original file name, reason) of PDF/DOCX attachments left out of the draft
    skipped_documents: tuple = ()


def convert_to_article(contribution, user):
    """Create a draft article from a contribution (text, region, images, documents) and link
    the two: the case records its draft, the draft its creator (`user`, also its responsible
    editor) and, through `Contribution.article`, its 受理编号.

    The image attachments enter the media library through its own checks: the first becomes
    the cover, the others figures at the end of the body, for the editor to place. Their
    renditions are made here, before the article is saved, so the draft's cover and body
    images carry srcset from the start. An image the library refuses is left out and
    reported. PDF and DOCX attachments are copied (new files, in private storage) as the
    draft's downloadable attachments. A contribution already converted returns its article:
    never a second one. If anything fails, no row is written and every file written so far
    is removed again.
    """
    written, documents = [], []
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
                created_by=user,
                cover=cover,
            )
            article.save()
            article.regions.set([locked.region_id])
            skipped_documents = _copy_documents(locked, article, user, documents)
            locked.article = article
            locked.save(update_fields=["article", "updated_at"])
    except BaseException:
        for name in written:
            default_storage.delete(name)
        for document in documents:
            document.file.storage.delete(document.file.name)
        raise
    contribution.article = article
    return Conversion(article, created=True, skipped=tuple(skipped), skipped_documents=skipped_documents)


def _copy_documents(contribution, article, user, documents):
    """Copy the contribution's PDF/DOCX attachments to `article` as its downloadable files.

    Each one is a new file in private storage (the case keeps its own): deleting the one never
    touches the other. The copies are appended to `documents` as soon as their file exists, for
    the caller's cleanup. Returns the (original name, reason) of attachments whose file is gone.
    """
    skipped = []
    kinds = [Attachment.Kind.PDF, Attachment.Kind.DOCX]
    for attachment in contribution.attachments.filter(kind__in=kinds).order_by("id"):
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            skipped.append((attachment.original_name, "附件文件不存在。"))
            continue
        document = ArticleAttachment(
            article=article,
            title=posixpath.splitext(attachment.original_name)[0] or attachment.original_name,
            original_name=attachment.original_name,
            mime_type=attachment.mime_type,
            uploaded_by=user,
        )
        with handle:
            document.file.save(f"{uuid.uuid4().hex}.{attachment.kind}", File(handle), save=False)
        documents.append(document)
        document.size = document.file.size
        document.save()
    return tuple(skipped)


def converted_from(article):
    """The case `article` was converted from, as (受理编号, its admin page), or None.

    Registered with the newsroom's `articles.admin.origins`, which shows it on the article.
    """
    found = Contribution.objects.filter(article_id=article.pk).values_list("pk", "tracking_number").first()
    if found is None:
        return None
    pk, tracking_number = found
    return tracking_number, reverse("admin:submissions_contribution_change", args=[pk])


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
