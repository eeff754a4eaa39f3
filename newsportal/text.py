"""What is left of text typed by the public once invisible and control characters are taken out.

One rule for every public input (the submission forms, the search box) and for anything
written out for staff (CSV and XLSX exports):

- C0 controls (0x00–0x1f, NUL included), DEL and the C1 range (0x80–0x9f) carry no meaning in
  what a person types; they break spreadsheets (openpyxl refuses them), e-mail headers and
  PostgreSQL (which refuses NUL outright).
- Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make a
  name or a file name read differently from what it is: a right-to-left override shows
  "invoice<U+202E>fdp.exe" as a PDF's name.
- Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) make two names that look the same
  differ (multi-line text keeps the joiners U+200C/U+200D, which emoji and some scripts need);
  U+FFFE/U+FFFF, the U+FDD0–U+FDEF non-characters and lone surrogates are not text.

They are removed silently rather than refused: a visitor cannot see them to delete them, and
they arrive by pasting from Word, WeChat or PDFs far more often than by intent.

Use `strip_control_characters(text, multiline=…)` on a single value, or `PlainTextFormMixin`
on a form so every posted text field is cleaned before any field or validator sees it.
"""

import re

from django import forms

__all__ = ["PlainTextFormMixin", "strip_control_characters"]

# Line breaks in all their spellings: CR LF, CR, LF, VT, FF, the file/group/record/unit
# separators that str.splitlines() honours, NEL, and the Unicode line and paragraph separators.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_INVISIBLE = "\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
# What multi-line text loses: every control but tab and LF (line breaks are LF by then) and the
# invisible characters. Zero-width (non-)joiners stay: emoji sequences and some scripts need them.
_MULTILINE_REMOVED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]+")
# What single-line text loses besides: tab and line breaks become a space first, then the joiners go too.
_SINGLE_LINE_REMOVED = re.compile(f"[\x00-\x1f\x7f-\x9f\u200c\u200d{_INVISIBLE}]+")


def strip_control_characters(text, *, multiline=False, replacement=""):
    """`text` without control and invisible characters (see the module docstring).

    Single-line (names, phone numbers, titles, company names, search queries): tabs and line
    breaks of any kind become a space, every other control or invisible character is removed;
    nothing below 0x20 is left. Multi-line (message bodies): line breaks become "\\n", tabs stay,
    everything else below 0x20 is removed.

    `replacement` stands in for each run of removed characters, e.g. "\\ufffd" where a reader
    should see that something was there (exports); the default removes them. Whitespace is not
    otherwise trimmed or collapsed. Non-strings (None, numbers) are returned unchanged.
    """
    if not isinstance(text, str):
        return text
    if multiline:
        return _MULTILINE_REMOVED.sub(replacement, _LINE_BREAKS.sub("\n", text))
    return _SINGLE_LINE_REMOVED.sub(replacement, _LINE_BREAKS.sub(" ", text).replace("\t", " "))


class PlainTextFormMixin:
    """A form mixin: every posted text value is cleaned by `strip_control_characters` before
    any field, validator or error message sees it, so what is validated, stored and shown back
    in a refused form is the same clean text.

    Fields drawn as a `Textarea` are multi-line, every other field single-line. Values posted
    under other names (csrfmiddlewaretoken, a MultiWidget's name_0 …) are left alone. Put it
    first among the bases: `class ContactForm(PlainTextFormMixin, forms.ModelForm)`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._plain_text_data()

    def _plain_text_data(self):
        data = self.data.copy()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if key not in data:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if hasattr(data, "setlist"):  # a QueryDict, as posted
                data.setlist(key, [strip_control_characters(v, multiline=multiline) for v in data.getlist(key)])
            else:  # a plain dict, as built in code
                data[key] = strip_control_characters(data[key], multiline=multiline)
        return data
