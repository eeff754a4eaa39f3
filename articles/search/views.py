"""/search/: the readers' search page."""

from django.shortcuts import render

from articles.models import Article
from articles.search.forms import SearchForm
from articles.search.results import search_outcome


def search_results(request):
    """/search/?q=…: ranked, highlighted results with filters; invalid filters are reported.

    A query in Traditional characters or pinyin is searched as Simplified Chinese (with a link
    to search for it as typed); when little is found, a corrected query may be offered.
    """
    form = SearchForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    q = data.get("q", "")
    articles = form.filter(Article.objects.published().for_listing())
    outcome = search_outcome(
        articles, q, request.GET.get("page"), filters=form.filter_key, literal=data.get("original", False)
    )
    page = outcome.page
    # Without filters, the filter fields are the same for every query: kept like the page.
    kept = page is not None and page.generation is not None and form.unfiltered
    context = {
        "form": form,
        "q": q,
        "page_obj": page,
        "reading": outcome.reading,
        "suggestion": outcome.suggestion,
        "suggestion_link": form.link(q=outcome.suggestion) if outcome.suggestion else "",
        "typed_link": form.link(q=q, original="1") if outcome.reading.reason else "",
        "filters_kept_as": page.generation if kept else "",
        "filters_kept_seconds": page.kept_seconds if kept else 0,
        "popular": []
        if page and page.paginator.count
        else Article.objects.published().popular().only("id", "title")[:8],
    }
    return render(request, "articles/search.html", context)
