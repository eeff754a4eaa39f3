"""Background work for articles, through Django's tasks framework.

The immediate backend runs these in-process; production configures a worker backend.
Callers enqueue them from transaction.on_commit, so they only ever see committed data.
"""

from django.tasks import task

from articles import search


@task
def reindex_article(article_id):
    search.update_document(article_id)


@task
def reindex_region(region_id):
    """A region's name or aliases changed: its stories' documents carry them."""
    from articles.models import Article

    for article_id in Article.objects.filter(regions=region_id).values_list("pk", flat=True).iterator():
        search.update_document(article_id)
