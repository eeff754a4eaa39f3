"""站点信息 for pages rendered without the database or a request context (the 500 and 503 pages)."""

from django import template

from articles.models import SiteInfo

register = template.Library()


@register.simple_tag
def settings_footer():
    """The footer's values from the environment's defaults: no query, whatever has failed."""
    return SiteInfo.from_settings().footer()
