from django import template

register = template.Library()


@register.simple_tag
def page_links(page_obj):
    """Page numbers to show: the first, the last and two on each side of the current page.

    Work stays fixed however many pages there are (a region may have hundreds); the gaps
    come back as the paginator's ELLIPSIS.
    """
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
