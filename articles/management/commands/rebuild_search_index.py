import sys
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles import search
from articles.models import Article
from articles.search import documents


class Command(BaseCommand):
    help = "重建全部文章的全文检索文档（PostgreSQL）。显示进度条。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, batch_size, **options):
        if not search.uses_postgres():
            self.stdout.write("当前数据库不是 PostgreSQL：站内搜索使用 LIKE 匹配，无需建立索引。")
            return
        total = Article.objects.count()
        done, started = 0, time.monotonic()
        ids = Article.objects.order_by("pk").values_list("pk", flat=True)
        batch = []
        for article_id in ids.iterator(chunk_size=batch_size):
            batch.append(article_id)
            if len(batch) == batch_size:
                done += self._index(batch)
                self._progress(done, total, started)
                batch = []
        if batch:
            done += self._index(batch)
        self._progress(done, total, started, final=True)
        self.stdout.write(self.style.SUCCESS(f"已重建 {done} 篇文章的检索文档。"))

    def _index(self, ids):
        articles = (
            Article.objects.filter(pk__in=ids)
            .select_related("channel")
            .prefetch_related("regions", "tags", "industries")
        )
        with transaction.atomic():
            for article in articles:
                fields = documents.document_fields(documents.document_parts(article))
                Article.objects.filter(pk=article.pk).update(**fields)
        return len(ids)

    def _progress(self, done, total, started, final=False):
        width = 30
        filled = width * done // total if total else width
        rate = done / max(time.monotonic() - started, 1e-6)
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:,.0f} 篇/秒"
        self.stdout.write(line, ending="\n" if final else "")
        if not final:
            sys.stdout.flush()
