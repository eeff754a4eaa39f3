"""Tracking numbers (受理编号), query codes (查询码) and one-time form tokens.

- A tracking number is PREFIX-YYYYMMDD-NNNNNN, numbered per prefix and local day by a counter
  row that is incremented in the database, so concurrent submissions on any number of hosts
  never share a number (the unique constraint on the number is the backstop).
- The query code is derived from the form's one-time token with the secret key, so a double
  submission with the same token can show the same receipt again; only a slow, salted hash
  of the code is stored, so neither staff nor a database dump can reveal it.
- What the submitter then sees of the processing is `public_history` and the replies: never
  who did it, nor internal notes.
"""

import datetime
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from submissions.models import ContactMessage, Contribution, EntryRequest, TrackingCounter
from submissions.validators import half_width

SUBMISSION_MODELS = {model.TRACKING_PREFIX: model for model in (Contribution, EntryRequest, ContactMessage)}

# 32 characters without 0/O and 1/I, so codes survive being read aloud or copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_TOKEN_SALT = "submissions.form-token"


def next_tracking_number(prefix, day=None):
    """Take the next number for `prefix` today. Call inside the transaction that saves the record."""
    day = day or timezone.localdate()
    counters = TrackingCounter.objects.filter(prefix=prefix, day=day)
    with transaction.atomic():
        # UPDATE … SET value = value + 1 locks the row (PostgreSQL) or the database (SQLite)
        # until commit, so the value read back below is ours alone.
        if not counters.update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    TrackingCounter.objects.create(prefix=prefix, day=day, value=1)
            except IntegrityError:  # another request created today's row first
                counters.update(value=F("value") + 1)
        value = counters.values_list("value", flat=True).get()
    return f"{prefix}-{day:%Y%m%d}-{value:06d}"


def model_for(tracking_number):
    """The submission model a tracking number belongs to, or None."""
    return SUBMISSION_MODELS.get(tracking_number[:2])


# The dashes people type or paste between the parts of a number: hyphen, en and em dash, minus.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_NOT_IN_NUMBER = re.compile(r"[^A-Z0-9-]")


def normalize_tracking_number(value):
    """A typed 受理编号 as stored: ASCII capitals, digits and dashes; anything else (spaces,
    control characters, Chinese punctuation) cannot be part of one and is dropped, so it never
    reaches the database query (PostgreSQL refuses NUL in a parameter)."""
    return _NOT_IN_NUMBER.sub("", half_width(value).upper().translate(_DASHES))


def normalize_query_code(value):
    text = half_width(value).upper()
    return "".join(c for c in text if c.isalnum())


def query_code_for(nonce):
    """The query code that belongs to a form token's nonce (stable, never stored)."""
    digest = salted_hmac("submissions.query-code", nonce, algorithm="sha256").digest()
    return "".join(CODE_ALPHABET[b % 32] for b in digest[:CODE_LENGTH])


def format_query_code(code):
    return f"{code[:4]}-{code[4:]}"


def hash_query_code(code, salt=None):
    salt = salt or secrets.token_hex(16)
    digest = hashlib.scrypt(normalize_query_code(code).encode(), salt=salt.encode(), **_SCRYPT)
    return f"scrypt${salt}${digest.hex()}"


def check_query_code(code, stored):
    try:
        _, salt, expected = stored.split("$")
    except ValueError:
        return False
    candidate = hash_query_code(code, salt).rsplit("$", 1)[1]
    return hmac.compare_digest(candidate, expected)


# A fixed hash to check against when the tracking number is unknown, so that answer takes as
# long as a wrong code does.
_DUMMY_HASH = "scrypt$00000000000000000000000000000000$" + "0" * 64


def lookup(tracking_number, query_code):
    """The submission for this number if the code matches it; None otherwise (no hint which)."""
    number = normalize_tracking_number(tracking_number)
    model = model_for(number)
    record = None
    if model is not None:
        record = model.objects.filter(tracking_number=number).first()
    if record is None:
        check_query_code(query_code, _DUMMY_HASH)
        return None
    return record if check_query_code(query_code, record.query_code_hash) else None


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the processing as the submitter sees it."""

    at: datetime.datetime
    text: str
    kind: str  # "status" or "extension"


def public_history(submission):
    """Status changes and deadline extensions of `submission`, oldest first, in two queries."""
    entries = [
        HistoryEntry(change.changed_at, change.to_label, "status")
        for change in submission.status_changes.select_related("content_type")
    ]
    entries += [
        HistoryEntry(when.created_at, f"办理期限延长至{when.new_date_label}，原因：{when.reason}", "extension")
        for when in submission.extensions.all()
    ]
    return sorted(entries, key=lambda entry: entry.at)


@dataclass(frozen=True)
class FormToken:
    """A form's one-time token: a random nonce, which form it belongs to and when it was issued."""

    nonce: str
    form: str
    issued_at: float

    @property
    def fingerprint(self):
        """What is stored on the record: a hash, so the token (and code) cannot be rebuilt from it."""
        return hashlib.sha256(self.nonce.encode()).hexdigest()

    @property
    def age(self):
        return time.time() - self.issued_at

    @property
    def query_code(self):
        return query_code_for(self.nonce)


def issue_form_token(form):
    return signing.dumps({"n": secrets.token_urlsafe(24), "f": form, "t": time.time()}, salt=_TOKEN_SALT)


def read_form_token(value, form):
    """The FormToken in a posted value, or None if it is missing, forged or for another form."""
    try:
        data = signing.loads(value or "", salt=_TOKEN_SALT)
        token = FormToken(nonce=str(data["n"]), form=str(data["f"]), issued_at=float(data["t"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return token if token.form == form else None
