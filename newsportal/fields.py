"""Model fields both apps declare the same way."""

from django.conf import settings
from django.db import models


def staff_member(verbose_name, related_name="+", **options):
    """A reference to a member of staff that outlives their account (SET_NULL), optional.

    Who created, edited, uploaded, changed or was assigned something: the record stays when
    the account is deleted, with the person shown as unknown.
    """
    options = {"null": True, "blank": True, **options}
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        related_name=related_name,
        **options,
    )
