"""The page shell (the header with its menus, the footer), rendered once per process for what it shows.

Every public page's header and footer, but for the date they show (rendered every time), draw on
nothing but the menus and 站点信息 (`navigation.get()`), which menu item is the current page
(aria-current), settings, and on the search page the query in the search box.
`{% shell_part "header" %}…{% endshell_part %}` (articles.templatetags.kept) keeps each
part's HTML in this process under exactly those inputs: the menus' own content (not a version
that could be missed) and the current menu address. A new menu or a renamed region is a new key;
nothing is invalidated, and a part with a query in the search box is not kept.

The store is a small dict per process: no round trip, at most MAX_KEPT entries (then emptied),
and emptied when a test changes a setting.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver

MAX_KEPT = 256
_kept = {}


def render(name, context, render_part):
    """The part `name` as `render_part()` renders it in `context`, kept for what it shows."""
    key = _key(name, context)
    if key is None:
        return render_part()
    html = _kept.get(key)
    if html is None:
        html = render_part()
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = html
    return html


def _key(name, context):
    """What the part shows, or None when it must be rendered (a search query in the box; no menus)."""
    if context.get("q"):
        return None
    nav, request = context.get("nav"), context.get("request")
    try:
        menus = (tuple(map(_item, nav["channels"])), tuple(map(_item, nav["regions"])), tuple(nav["site"].items()))
    except (TypeError, KeyError, AttributeError):
        return None
    path = getattr(request, "path", "")
    addresses = {"/", *(item[1] for item in menus[0] + menus[1])}
    return name, menus, path if path in addresses else ""


def _item(item):
    return item["name"], item["url"]


@receiver(setting_changed)
def _forget(**kwargs):
    _kept.clear()
