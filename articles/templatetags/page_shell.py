"""`{% shell_part "header" %}…{% endshell_part %}`: a part of the page shell, kept per process
for what it shows (articles.reading.page_shell, which says what a part may draw on)."""

from django import template

from articles.reading import page_shell

register = template.Library()


@register.tag("shell_part")
def do_shell_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes the part's name")
    nodelist = parser.parse(("endshell_part",))
    parser.delete_first_token()
    return ShellPartNode(nodelist, parser.compile_filter(bits[1]))


class ShellPartNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        return page_shell.render(self.name.resolve(context), context, lambda: self.nodelist.render(context))
