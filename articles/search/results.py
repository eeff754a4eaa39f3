"""A page of search results as the reader sees it: ranked stories with marked snippets."""

from django.conf import settings

from articles.search.highlight import highlight
from articles.search.paging import results_page as ranked_page
from articles.search.segmentation import query_terms


def results_page(queryset, q, number, per_page=None, filters=""):
    """Page `number` of the stories in `queryset` matching `q`, or None when `q` has no words.

    `filters` names what narrowed `queryset` (see articles.search.paging). Each story gets
    `snippet` (summary, else body, around the first match) and `title_marked`.
    """
    groups = query_terms(q) if q else []
    if not groups:
        return None
    page = ranked_page(queryset, q, number, per_page or settings.ARTICLES_PER_PAGE, filters)
    for article in page:
        if article.summary:
            article.snippet = highlight(article.summary, groups)
        else:
            article.snippet = highlight(article.body, groups, is_html=True)
        article.title_marked = highlight(article.title, groups, length=200)
    return page
