"""Filters for the admin's templates (templates/admin/): Chinese for English that Django writes
into its HTML as plain strings, out of any catalogue's reach.

- `chinese_boolean_icons`: the yes/no icons of boolean columns and read-only fields carry
  alt="True"/"False"/"None" (django.contrib.admin's `_boolean_icon` prints the Python value).
- `chinese_relation_rows`: delete confirmation pages list the rows of the link tables Django
  creates for many-to-many fields as "Article-region关系: Article_regions object (1)" (the
  table's model names and the default __str__); they become "文章与区域的关联: <文章> — <区域>".

Both take and give back rendered HTML, used as {% filter … %}{{ block.super }}{% endfilter %}.
"""

import re

from django import template
from django.apps import apps
from django.utils.html import escape
from django.utils.text import capfirst

register = template.Library()

# The static URL may carry a manifest hash: /static/admin/img/icon-yes.8ff3aa9ce6b3.svg
_BOOLEAN_ICON = re.compile(
    r'(<img src="[^"<>]*/admin/img/icon-(?:yes|no|unknown)(?:\.[0-9a-f]+)?\.svg" alt=")(True|False|None)"'
)
_BOOLEAN_WORDS = {"True": "是", "False": "否", "None": "未知"}


@register.filter(is_safe=True)
def chinese_boolean_icons(html):
    """`html` with the alt text of Django's boolean icons in Chinese (是/否/未知)."""
    return _BOOLEAN_ICON.sub(lambda m: f'{m[1]}{_BOOLEAN_WORDS[m[2]]}"', str(html))


def _link_tables():
    """The models Django created for many-to-many fields (auto-created "through" tables)."""
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.auto_created]


def _relation_label(through):
    source, target = (field.related_model for field in through._meta.fields if field.is_relation)
    return f"{source._meta.verbose_name}与{target._meta.verbose_name}的关联"


def _name_rows(html, through):
    """`html` with `through`'s rows ("<label>: <Class> object (<pk>)") and count named in Chinese."""
    label = escape(_relation_label(through))
    row = re.compile(
        re.escape(escape(capfirst(through._meta.verbose_name))) + rf": {through.__name__} object \((\d+)\)"
    )
    fields = [field.name for field in through._meta.fields if field.is_relation]
    links = through._default_manager.filter(pk__in={int(pk) for pk in row.findall(html)}).select_related(*fields)
    ends = {str(link.pk): " — ".join(escape(str(getattr(link, name))) for name in fields) for link in links}
    html = row.sub(lambda match: f"{label}: {ends.get(match[1], '#' + match[1])}", html)
    return html.replace(f"<li>{escape(capfirst(through._meta.verbose_name_plural))}: ", f"<li>{label}: ")


@register.filter(is_safe=True)
def chinese_relation_rows(html):
    """`html` of a delete confirmation page with link-table rows and counts named in Chinese."""
    html = str(html)
    for through in _link_tables():
        if f"{through.__name__} object (" in html or str(through._meta.verbose_name_plural) in html:
            html = _name_rows(html, through)
    return html
