"""Parts of a page kept between renders.

`{% shell_part "name" %}…{% endshell_part %}`: a part of the page shell (header, footer), kept per
process for what it shows (articles.reading.page_shell).

`{% story_part parts "name" %}…{% endstory_part %}`: a part of a story's own page, kept under the
story's version (articles.reading.story_parts).

`story_part` is Django's `{% cache %}` tag, but for a store that may fail: a part that cannot be read or kept
is rendered (the store being down costs the kept parts, never the page), and parts that are not
to be kept (a preview; STORY_PART_SECONDS=0) never touch the store. A part being rendered reads
the story's links first (`story_parts.load_links`), once for all the parts of the page.
"""

from django import template
from django.utils.safestring import mark_safe

from articles.reading import page_shell, story_parts

register = template.Library()


def _block(parser, token, arguments):
    """(the block's nodelist, its arguments compiled) for `{% name arg … %}…{% endname %}`."""
    bits = token.split_contents()
    if len(bits) != 1 + len(arguments):
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes {' and '.join(arguments)}")
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    return nodelist, [parser.compile_filter(bit) for bit in bits[1:]]


@register.tag("story_part")
def do_story_part(parser, token):
    nodelist, (parts, name) = _block(parser, token, ["the page's parts", "a part's name"])
    return StoryPartNode(nodelist, parts, name)


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


@register.tag("shell_part")
def do_shell_part(parser, token):
    """`{% shell_part "header" %}…{% endshell_part %}`: a part of the page shell, kept per process
    for what it shows (articles.reading.page_shell says what a part may draw on)."""
    nodelist, (name,) = _block(parser, token, ["the part's name"])
    return ShellPartNode(nodelist, name)


class ShellPartNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        return page_shell.render(self.name.resolve(context), context, lambda: self.nodelist.render(context))
