"""`{% story_part parts "name" %}…{% endstory_part %}`: a story page's part, kept under its version.

Django's `{% cache %}` tag, but for a store that may fail: a part that cannot be read or kept
is rendered (the store being down costs the kept parts, never the page), and parts that are not
to be kept (a preview; STORY_PART_SECONDS=0) never touch the store. A part being rendered reads
the story's links first (`story_parts.load_links`), once for all the parts of the page.
"""

from django import template

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
