"""The admin index dashboard: what waits for the newsroom and the case desk."""

from django import template

from articles.newsroom import dashboard

register = template.Library()


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    return {"boxes": dashboard.boxes(context["request"].user)}
