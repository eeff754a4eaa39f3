"""Files that survive a public form refused for another reason (the form's side of it).

`KeptUploadsMixin` keeps the checked files of a refused post (`submissions.attachments.keep`)
and takes them back from the tokens posted beside each file field (`<field name>_kept`);
`SubmissionBoundField` gives the templates what they draw for those fields.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from submissions import attachments
from submissions.fields import MultipleFileField

# A file kept from a refused post comes back as <field name>_kept=<token> (submissions.attachments.keep).
KEPT_SUFFIX = "_kept"


def _posted(mapping, key):
    """Every value posted under `key`, from a QueryDict / MultiValueDict or a plain dict."""
    if hasattr(mapping, "getlist"):
        return [value for value in mapping.getlist(key) if value]
    value = mapping.get(key)
    return [v for v in value if v] if isinstance(value, list | tuple) else [value] if value else []


class SubmissionBoundField(forms.BoundField):
    """A field of a public form, which knows the files kept for it from a refused post."""

    @property
    def kept(self):
        """The KeptUploads this file field holds (empty for other fields)."""
        return self.form.kept.get(self.name, [])

    @property
    def kept_name(self):
        return self.html_name + KEPT_SUFFIX

    @property
    def files_lost(self):
        return self.form.files_lost_for(self.name)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.kept:
            attrs.pop("required", None)  # a file is already there
        return attrs


class KeptUploadsMixin:
    """Files that passed their checks survive a form refused for another reason.

    For each field in `file_fields`, checked files are kept (`submissions.attachments.keep`)
    when the form is refused, unless as abuse (`is_abuse`); `kept` (field name -> [KeptUpload]) is
    drawn as hidden tokens beside the field, and a post that chooses no new file for it uses
    them again (they are the field's initial value). A new choice replaces them. Once the
    submission is saved, the view calls `discard_kept()`.
    """

    file_fields = ()
    bound_field_class = SubmissionBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = {}
        self._kept_gone = set()
        if self.is_bound:
            self._read_kept()

    def _kept_purpose(self, name):
        return f"{self.form_name}.{name}"

    def _read_kept(self):
        """Take back the files kept for each file field from the last post, by their tokens."""
        for name in self.file_fields:
            field = self.fields[name]
            limit = settings.SUBMISSIONS_MAX_ATTACHMENTS if isinstance(field, MultipleFileField) else 1
            tokens = _posted(self.data, self.add_prefix(name) + KEPT_SUFFIX)[:limit]
            kept = [attachments.read_kept(token, self._kept_purpose(name)) for token in tokens]
            if None in kept:  # expired, used already, or not ours: the submitter must choose again
                self._kept_gone.add(name)
            elif kept:
                self.kept[name] = kept
                self.initial[name] = kept if isinstance(field, MultipleFileField) else kept[0]

    def _chosen(self, name):
        """Were new files chosen for `name` in this post?"""
        return bool(_posted(self.files, self.add_prefix(name)))

    def files_lost_for(self, name):
        """Were files chosen for `name` that could not be kept (refused, or the post was)?"""
        return self.is_bound and name in self.file_fields and self._chosen(name) and not self.kept.get(name)

    @property
    def files_lost(self):
        return any(self.files_lost_for(name) for name in self.file_fields)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name in self._kept_gone - {n for n in self.file_fields if self._chosen(n)}:
            self._errors.pop(name, None)  # say why the file is missing, not just that it is
            self.add_error(name, ValidationError(attachments.KEPT_GONE, code="kept_gone"))
        if self._errors and not getattr(self, "is_abuse", False):
            self._keep_uploads()

    def _keep_uploads(self):
        for name in self.file_fields:
            if name in self._errors:
                self.kept.pop(name, None)  # a refused new choice, or kept files that are gone
            elif self._chosen(name):
                value = self.cleaned_data.get(name)
                prepared = value if isinstance(value, list) else [value] if value else []
                self.kept[name] = [attachments.keep(file, self._kept_purpose(name)) for file in prepared]

    def discard_kept(self):
        """Delete the files kept for this form (used, or replaced by a new choice): call once its
        submission is saved."""
        attachments.discard_kept(kept for files in self.kept.values() for kept in files)

    def prepare_file(self, value, kinds):
        """A PreparedFile from a new upload (checked now) or a kept one (checked before)."""
        if isinstance(value, attachments.KeptUpload):
            return value.load()
        return attachments.prepare(value, kinds)
