"""The classifications readers browse by: regions (a shallow tree), channels (栏目) and industries (产业).

A region's aliases are search terms, and so are the lines of the search synonym list: both
are comma-separated lists whose terms may hold only what a reader can type as a search word
(`unsearchable_characters` owns that rule).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models

from newsportal.links import reverse_one

# Besides letters (Chinese included) and digits, a search term may hold these: English names
# are written with spaces, hyphens and dots (Beijing E-Town, St. Regis). Everything else is
# either tsquery syntax (& | ! ( ) : * < > ' " \\) or punctuation no reader types as a word.
TERM_PUNCTUATION = frozenset(" -.")


def split_terms(text):
    """The terms of a comma-separated list (full-width commas too), stripped, empty ones dropped."""
    return [term.strip() for term in (text or "").replace("，", ",").split(",") if term.strip()]


def unsearchable_characters(term):
    """The characters of `term` that can never be part of a search term, in order, once each.

    Judged after NFKC, as search sees them: a full-width hyphen is a hyphen and passes, a
    full-width parenthesis is a parenthesis and does not.
    """
    bad = (
        char
        for char in term
        if not all(c.isalnum() or c in TERM_PUNCTUATION for c in unicodedata.normalize("NFKC", char))
    )
    return "".join(dict.fromkeys(bad))


def is_search_term(term):
    """Whether `term` can be searched for: only allowed characters, and a letter or digit among them."""
    return not unsearchable_characters(term) and any(c.isalnum() for c in term)


def alias_errors(aliases):
    """The editor's messages for every alias in `aliases` that cannot be searched for."""
    errors = []
    for alias in split_terms(aliases):
        bad = unsearchable_characters(alias)
        if bad:
            shown = "、".join(c if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}" for c in bad)
            errors.append(
                f"别名“{alias}”含有不能用于搜索的字符：{shown}。"
                "别名只能包含汉字、字母、数字、空格、连字符（-）和点（.），多个别名用逗号分隔。"
            )
        elif not any(c.isalnum() for c in alias):
            errors.append(f"别名“{alias}”不含汉字、字母或数字，不能用于搜索。")
    return errors


class Region(models.Model):
    """A district, park or area of Beijing; parks hang under their district."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "区"
        PARK = "park", "园区"
        AREA = "area", "功能区"

    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址标识", max_length=60, unique=True, allow_unicode=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    parent = models.ForeignKey(
        "self", verbose_name="上级区域", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    aliases = models.CharField(
        "别名", max_length=200, blank=True, help_text="以逗号分隔，例如：亦庄, 经开区。搜索时视为同一区域。"
    )
    description = models.TextField("简介", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字越小越靠前。")
    show_on_home = models.BooleanField("首页显示区块", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "区域"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("articles:region", self.slug)

    @property
    def alias_list(self):
        return split_terms(self.aliases)

    def ancestors(self):
        """Parents up to the root, nearest first (the tree is shallow: a few hops at most)."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean_fields(self, exclude=None):
        """Aliases are checked here, not in clean(): a form without the field (the changelist's
        list_editable one) must still save a region whose old aliases predate the rule."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "aliases" not in (exclude or ()) and "aliases" not in errors:
            bad_aliases = alias_errors(self.aliases)
            if bad_aliases:
                errors["aliases"] = bad_aliases
        if errors:
            raise ValidationError(errors)

    def clean(self):
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": "上级区域不能是自身或其下级区域。"})
            seen.add(node.pk)
            node = node.parent


def validate_aliases(value):
    """A form and model check of an alias list (see `alias_errors`)."""
    errors = alias_errors(value)
    if errors:
        raise ValidationError(errors)


class Channel(models.Model):
    """A section of the site (栏目), such as 招商动态 or 政策解读."""

    name = models.CharField("名称", max_length=30, unique=True)
    slug = models.SlugField("网址标识", max_length=40, unique=True, allow_unicode=True)
    aliases = models.CharField(
        "别名",
        max_length=200,
        blank=True,
        validators=[validate_aliases],
        help_text="以逗号分隔，例如英文名 Policy。搜索时视为同一栏目。只能包含汉字、字母、数字、空格、连字符（-）和点（.）。",
    )
    description = models.CharField("简介", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字越小越靠前。")

    class Meta:
        verbose_name = verbose_name_plural = "栏目"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("articles:channel", self.slug)

    @property
    def alias_list(self):
        return split_terms(self.aliases)


class Industry(models.Model):
    """An industry (产业) that stories and enterprises belong to."""

    name = models.CharField("名称", max_length=30, unique=True)
    slug = models.SlugField("网址标识", max_length=40, unique=True, allow_unicode=True)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "产业"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name
