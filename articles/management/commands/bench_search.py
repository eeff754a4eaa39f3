"""Search benchmark: N generated Chinese stories in PostgreSQL, jieba/GIN vs. ILIKE.

Run through `make bench`, which points DATABASE_URL at a dedicated database. The data
set is generated once and reused while it has the requested size.
"""

import random
import re
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from psycopg2.extras import execute_values

from articles import search
from articles.models import Article, Channel, Region
from articles.search import segmentation

DEMO = Path(__file__).resolve().parents[2] / "content" / "demo" / "stories.txt"
PLACES = [
    ("亦庄", "北京经济技术开发区"), ("中关村", "中关村示范区"), ("海淀", "海淀区"), ("朝阳", "朝阳区"),
    ("西城", "西城区"), ("东城", "东城区"), ("丰台", "丰台区"), ("石景山", "石景山区"), ("通州", "通州区"),
    ("顺义", "顺义区"), ("大兴", "大兴区"), ("昌平", "昌平区"), ("怀柔", "怀柔区"), ("延庆", "延庆区"),
    ("房山", "房山区"),
]  # fmt: skip
TOPICS = ["生物医药", "集成电路", "人工智能", "新能源汽车", "影视文化", "清洁能源", "科技金融", "营商环境", "数字经济"]


class Command(BaseCommand):
    help = "搜索性能基准：在 PostgreSQL 中生成中文文章，对比分词检索与 ILIKE 的首页耗时。"

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=40)
        parser.add_argument("--query", action="append", dest="queries")

    def handle(self, articles, runs, queries, **options):
        if not search.uses_postgres():
            raise CommandError("基准需要 PostgreSQL：请设置 DATABASE_URL（make bench 会自动设置）。")
        queries = queries or ["亦庄", "经开区", "生物医药", "中关村 人工智能", "抗体药"]
        self._ensure_data(articles)
        total = Article.objects.published().count()
        self.stdout.write(f"数据：{total:,} 篇已发布文章（PostgreSQL {connection.pg_version // 10000}）")
        client = Client(HTTP_HOST="localhost")
        for q in queries:
            # Cold: every request searches (the kept pages of articles.search.paging are off);
            # hot: as readers are served, a first page asked for again comes from the cache.
            with override_settings(SEARCH_RESULTS_SECONDS=0):
                cold, sql_ms, hits, cold_cpu = self._time_page(client, q, runs)
            hot, _, _, hot_cpu = self._time_page(client, q, runs)
            ilike, ilike_hits = self._time_ilike(q, runs)
            # CPU: this process's own time per request (Python and templates, not the database's),
            # which a busy machine disturbs far less than the wall clock.
            self.stdout.write(
                f"查询“{q}”（命中 {hits:,} 篇）：首页 p50 {hot[0]:.1f} ms，p95 {hot[1]:.1f} ms"
                f"（CPU p50 {hot_cpu:.1f} ms）；"
                f"不用结果缓存 p50 {cold[0]:.1f} ms，p95 {cold[1]:.1f} ms（其中 SQL p95 {sql_ms:.1f} ms，"
                f"CPU p50 {cold_cpu:.1f} ms）；"
                f"ILIKE 基线首页 p50 {ilike[0]:.1f} ms，p95 {ilike[1]:.1f} ms（命中 {ilike_hits:,} 篇）"
            )
        self.stdout.write(
            "目标：两字查询（如“亦庄”）首页 p95 < 50 ms；常见词（如“生物医药”，约三分之一的文章）p95 < 80 ms。"
        )

    def _time_page(self, client, q, runs):
        client.get("/search/", {"q": q})  # warm: jieba, caches, plans
        timings, sql, cpu = [], [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get("/search/", {"q": q})
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            sql.append(sum(float(query["time"]) for query in ctx.captured_queries) * 1000)
            assert response.status_code == 200, response.status_code
        hits = search.search(Article.objects.published(), q).count()
        return _p50_p95(timings), _p50_p95(sql)[1], hits, statistics.median(cpu)

    def _time_ilike(self, q, runs):
        words = [w for group in search.query_terms(q) for w in group[:1]]
        condition = Q()
        for word in words:
            condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        queryset = Article.objects.published().filter(condition).for_listing().newest_first()
        timings = []
        for _ in range(max(runs // 4, 5)):
            started = time.perf_counter()
            hits = queryset.count()
            list(queryset[:20])
            timings.append((time.perf_counter() - started) * 1000)
        return _p50_p95(timings), hits

    def _ensure_data(self, wanted):
        have = Article.objects.count()
        if have >= wanted:
            return
        self.stdout.write(f"生成 {wanted - have:,} 篇文章（只在第一次运行时需要）…")
        sentences = _demo_sentences()
        tokenizer, _ = segmentation.tokenizer_with_regions()
        token_cache = {}

        def tokens(text):
            if text not in token_cache:
                token_cache[text] = " ".join(segmentation.segment(text, tokenizer))
            return token_cache[text]

        channels = [
            Channel.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"基准栏目{n}"})[0] for n in range(5)
        ]
        regions = [
            Region.objects.get_or_create(name=full, defaults={"slug": f"bench-{n}", "aliases": short})[0]
            for n, (short, full) in enumerate(PLACES)
        ]
        rng = random.Random(20261125)
        now = timezone.now()
        started = time.monotonic()
        batch_size = 2000
        for offset in range(have, wanted, batch_size):
            rows, docs = [], []
            for n in range(offset, min(offset + batch_size, wanted)):
                short, full = PLACES[n % len(PLACES)]
                topic = rng.choice(TOPICS)
                title = f"{short}{topic}产业招商引资新进展（{n}）"
                # Each story is about one place: the sample sentences name that place.
                picked = [_PLACE_NAMES.sub(short, s) for s in rng.sample(sentences, 8)]
                lead = f"{full}围绕{topic}产业持续优化营商环境。"
                body = "".join(f"<p>{s}</p>" for s in [lead, *picked])
                rows.append(
                    Article(
                        title=title,
                        summary=lead,
                        body=body,
                        status=Article.Status.PUBLISHED,
                        publish_at=now - timezone.timedelta(minutes=n),
                        channel=channels[n % len(channels)],
                    )
                )
                region = regions[n % len(regions)]
                docs.append(
                    (
                        f"{tokens(title)} {tokens(topic)}",
                        f"{tokens(lead)} {tokens(region.name)} {tokens(region.aliases)}",
                        " ".join(tokens(s) for s in picked),
                        " ".join(
                            segmentation.bigrams(" ".join([title, topic, lead, region.name, region.aliases, *picked]))
                        ),
                        region.pk,
                    )
                )
            with transaction.atomic():
                created = Article.objects.bulk_create(rows)
                with connection.cursor() as cursor:
                    execute_values(
                        cursor.cursor,
                        "UPDATE articles_article AS a SET search_head = h.head,"
                        " search_document = h.head || setweight(to_tsvector('simple', h.c), 'C')"
                        " || setweight(to_tsvector('simple', h.d), 'D')"
                        " FROM (SELECT v.id, v.c, v.d, setweight(to_tsvector('simple', v.a), 'A')"
                        " || setweight(to_tsvector('simple', v.b), 'B') AS head"
                        " FROM (VALUES %s) AS v(id, a, b, c, d)) AS h WHERE a.id = h.id",
                        [(article.pk, a, b, c, d) for article, (a, b, c, d, _) in zip(created, docs, strict=True)],
                    )
                Article.regions.through.objects.bulk_create(
                    Article.regions.through(article_id=article.pk, region_id=doc[4])
                    for article, doc in zip(created, docs, strict=True)
                )
            done = min(offset + batch_size, wanted)
            rate = (done - have) / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"\r  {done:,}/{wanted:,}  {rate:,.0f} 篇/秒", ending="")
        self.stdout.write("")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE articles_article")


_PLACE_NAMES = re.compile(
    "|".join(
        sorted(
            {w for pair in PLACES for w in pair} | {"北京亦庄", "经开区", "中关村示范区", "中关村西城园", "西城园"},
            key=len,
            reverse=True,
        )
    )
)


def _demo_sentences():
    text = DEMO.read_text(encoding="utf-8")
    parts = re.split(r"(?<=[。！？])", text)
    return [p.strip() for p in parts if 12 <= len(p.strip()) <= 160 and "\n" not in p.strip()]


def _p50_p95(values):
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95
