"""POST /articles/<pk>/view/: the beacon an article page sends to count one view (浏览次数).

The page may come from a page cache shared by every anonymous reader, so it carries no CSRF
token of its own, and the endpoint is exempt from Django's CSRF check. That is safe because it
reads no session or cookie and changes nothing but a counter. Other sites are still kept from
counting views through their visitors' browsers: a post must say it is same-origin in
`Sec-Fetch-Site` (every current browser sends it) or, failing that, in `Origin` (sent with every
POST); a post that says neither is refused. Scripts can forge both, as they could always load
the page itself, so the check is about browsers, not a lock.
"""

import re

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.reading import tasks, view_counts

# Self-declared crawlers, and clients that send no User-Agent (every browser sends one).
_BOT = re.compile(r"bot|spider|crawl", re.IGNORECASE)


@csrf_exempt
@never_cache
@require_POST
def view_beacon(request, pk):
    """Count a reader's view of a published story; answer {"views": its current total}."""
    if not _same_origin(request):
        return JsonResponse({"error": "cross-site"}, status=403)
    article = Article.objects.published().only("view_count").filter(pk=pk).first()
    if article is None:
        return JsonResponse({"error": "not found"}, status=404)
    if _is_bot(request):
        return JsonResponse({"views": view_counts.total(article)})
    views = view_counts.count_view(article)
    tasks.flush_view_counts_if_due()
    return JsonResponse({"views": views})


def _same_origin(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin == f"{request.scheme}://{request.get_host()}"


def _is_bot(request):
    user_agent = request.headers.get("User-Agent", "")
    return not user_agent.strip() or _BOT.search(user_agent) is not None
