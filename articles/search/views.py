"""/search/: the readers' search page."""

from django.shortcuts import render

from articles.models import Article
from articles.search.forms import SearchForm
from articles.search.results import results_page


def search_results(request):
    """/search/?q=…: ranked, highlighted results with filters; invalid filters are reported."""
    form = SearchForm(request.GET or None)
    form.is_valid()
    q = form.cleaned_data.get("q", "") if form.is_bound else ""
    articles = form.filter(Article.objects.published().for_listing())
    page = results_page(articles, q, request.GET.get("page"), filters=form.filter_key)
    context = {
        "form": form,
        "q": q,
        "page_obj": page,
        "popular": []
        if page and page.paginator.count
        else Article.objects.published().popular().only("id", "title")[:8],
    }
    return render(request, "articles/search.html", context)
