"""A story's parts kept under its version (articles.reading.story_parts).

`{% story_part parts "name" %}…{% endstory_part %}`: a part of the story's own page.

Django's `{% cache %}` tag, but for a store that may fail: a part that cannot be read or kept
is rendered (the store being down costs the kept parts, never the page), and parts that are not
to be kept (a preview; STORY_PART_SECONDS=0) never touch the store. A part being rendered reads
the story's links first (`story_parts.load_links`), once for all the parts of the page.
"""

from django import template
from django.utils.safestring import mark_safe

from articles.reading import story_parts

register = template.Library()


@register.tag("story_part")
def do_story_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes the page's parts and a part's name")
    nodelist = parser.parse(("endstory_part",))
    parser.delete_first_token()
    return StoryPartNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))


class StoryPartNode(template.Node):
    def __init__(self, nodelist, parts, name):
        self.nodelist = nodelist
        self.parts = parts
        self.name = name

    def render(self, context):
        parts = self.parts.resolve(context)
        name = self.name.resolve(context)
        kept = parts.get(name)
        if kept is not None:
            return kept
        story_parts.load_links(parts.article)
        rendered = self.nodelist.render(context)
        parts.keep(name, rendered)
        return rendered


ITEM_TEMPLATE = "partials/article_item.html"


@register.simple_tag(takes_context=True)
def story_items(context, articles):
    """Each story of `articles` as partials/article_item.html, in the including context, kept.

    The item's options (`heading`, `pin_badge`, `show_regions`) name the kept variant; the
    stories' regions are read only for the items rendered, when they are shown.
    """
    template = context.template.engine.get_template(ITEM_TEMPLATE)
    heading, pin_badge, show_regions = (
        context.get("heading") or "h2",
        context.get("pin_badge"),
        context.get("show_regions"),
    )
    variant = f"{heading}.{int(bool(pin_badge))}.{int(bool(show_regions))}"

    def render_item(article):
        with context.push(article=article):
            return template.render(context)

    links = ("regions",) if show_regions else ()
    return mark_safe("".join(story_parts.kept_items(articles, variant, render_item, links)))
