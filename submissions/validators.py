"""Normalising and checking what people type: credit codes, phone numbers, contact details.

People paste from Word, WeChat and PDFs, so full-width characters, spaces and dashes are
normalised away before anything is checked.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# GB 32100-2015: the 31 characters used, in order of their value (no I, O, S, V, Z).
# The example shown on the entry form; it passes its own check character (tests/test_credit_code.py).
CREDIT_CODE_EXAMPLE = "91110108MA01ABCD2H"
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# What people put between the parts of a code: spaces of any width and dashes of any kind
# (after NFKC a full-width dash is "-"; hyphen, en/em dash and minus stay themselves).
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_CREDIT_CODE_FRAGMENT = re.compile(r"[0-9A-Z]{4,18}")
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def half_width(value):
    """Full-width letters, digits and spaces become ASCII (NFKC), e.g. ９１１ → 911."""
    return unicodedata.normalize("NFKC", value or "")


def normalize_credit_code(value):
    """A typed 统一社会信用代码 as stored: half-width, upper-case, no spaces or dashes.

    "９１１１ 0108-ma01 abcd 2h" becomes "91110108MA01ABCD2H"; whether that is a valid code is
    `validate_credit_code`'s business.
    """
    return _CODE_SEPARATORS.sub("", half_width(value)).upper()


def credit_code_fragment(term):
    """The credit code (or a part of one, at least 4 characters) a search term may be, normalised; else ""."""
    code = normalize_credit_code(term)
    return code if _CREDIT_CODE_FRAGMENT.fullmatch(code) else ""


def credit_code_check_char(first17):
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value):
    """Check a normalised 统一社会信用代码: length, alphabet, weighted check character."""
    if len(value) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，您填写了 {len(value)} 位。", code="length")
    bad = sorted({c for c in value if c not in CREDIT_CODE_CHARS})
    if bad:
        raise ValidationError(
            f"统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z），请检查：{'、'.join(bad)}。",
            code="chars",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请对照营业执照核对。", code="checksum")


def normalize_mobile(value):
    """A mainland mobile number as 11 digits: +86/0086 prefix, spaces and dashes stripped."""
    digits = _PHONE_SEPARATORS.sub("", half_width(value))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def validate_mobile(value):
    if not _MOBILE.match(value):
        raise ValidationError("请填写 11 位中国大陆手机号码，例如 138 0013 8000。", code="mobile")


def normalize_contact(value):
    """A phone number or e-mail address left on the contact form, and the e-mail part if any.

    Returns (contact, email): e-mail addresses are kept as typed (lower-cased domain),
    phone numbers are stripped of separators.
    """
    text = half_width(value).strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError("电子邮箱格式不正确，例如 name@example.com。", code="email") from None
        local, _, domain = text.rpartition("@")
        email = f"{local}@{domain.lower()}"
        return email, email
    number = normalize_mobile(text)
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return number, ""
    raise ValidationError(
        "请填写手机号码、固定电话（含区号，如 010-12345678）或电子邮箱。",
        code="contact",
    )
