"""Page benchmark: each public page's server time on 100,000 stories, beside smaller data sets.

Run through `make bench`, after `bench_search` has generated the large data set in the
database DATABASE_URL names. The pages are requested in-process (Django's test client, so
server time without the network), DEBUG off and the page cache off (PAGE_CACHE_SECONDS=0),
so every request runs its view and its queries. The same pages are timed by worker copies of
this command on two sibling databases, created, migrated and filled when missing:

- 演示库 (`<name>_demo`, `load_demo`): the demo site, the issue's "demo size". Its listings
  hold one to three stories where the others show a full page of twenty.
- 小库 (`<name>_small`, 1,000 stories from the same generator): full pages from a small
  archive, so large ÷ small shows what the archive's size alone costs.

Rounds alternate between the databases; the table gives the medians, the large one's p95 and
the ratios. Both generated data sets get, once, what the generator leaves out: tags (a large,
a middling and a small one per story), headline/featured/pinned flags, view counts, regions
on the home page, and scheduled, expired and draft stories; every database gets a topic.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import unicodedata
from urllib.parse import urlparse, urlunparse

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.management.commands.bench_search import PLACES, TOPICS
from articles.models import Article, Channel, Region, Topic, TopicEntry

TOPIC_SLUG = "bench-pages"
ROUND = 5  # timed requests per page before switching databases
GENERIC_TAGS = ["招商引资", "科技创新", "重点项目", "政策解读", "产业集群", "投资促进"]
LARGE = "大库"
# The article again with none of its parts kept (STORY_PART_SECONDS=0, articles.reading.story_parts).
NOTHING_KEPT = "文章不留部件"


class Command(BaseCommand):
    help = "页面性能基准：各公开页面在演示数据、小规模与十万篇数据上的服务端耗时（中位数、p95）及倍数。"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="每个页面计时的次数（预热之后）。")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument(
            "--demo-database-url",
            help="演示数据（load_demo）的数据库；默认与 DATABASE_URL 同一服务器，库名加 _demo；none 表示不比较。",
        )
        parser.add_argument(
            "--small-database-url",
            help="同样生成、但篇数少的数据库（页面同样满）；默认库名加 _small；none 表示不比较。",
        )
        parser.add_argument("--small-articles", type=int, default=1000)
        parser.add_argument("--worker", action="store_true", help="供比较时内部调用：按标准输入的请求计时。")

    def handle(self, runs, warmup, demo_database_url, small_database_url, small_articles, worker, **options):
        if connection.vendor != "postgresql":
            raise CommandError("基准需要 PostgreSQL：请设置 DATABASE_URL（make bench 会自动设置）。")
        stories = self._prepare()
        urls = pages()
        if worker:
            return self._serve(stories, urls)
        workers = {}
        if (demo_database_url or "").lower() != "none":
            workers["演示库"] = _start_worker(demo_database_url or _sibling_url("_demo"), ["load_demo"])
        if (small_database_url or "").lower() != "none":
            fill = ["bench_search", "--articles", str(small_articles), "--runs", "1", "--query", "亦庄"]
            workers["小库"] = _start_worker(small_database_url or _sibling_url("_small"), fill)
        counts = {LARGE: stories}
        timings = {label: {name: [] for name in urls} for label in [*workers, LARGE]}
        try:
            # Rounds alternate between the databases, so a neighbour's load on the machine falls
            # on every side of a ratio instead of on one of them.
            for done in range(0, runs, ROUND):
                batch = {"runs": min(ROUND, runs - done), "warmup": warmup if done == 0 else 0}
                for name, values in measure(urls, **batch).items():
                    timings[LARGE][name] += values
                for label, process in workers.items():
                    answer = _ask(process, batch)
                    counts[label] = answer["stories"]
                    for name, values in answer["pages"].items():
                        timings[label][name] += values
        finally:
            for process in workers.values():
                process.stdin.close()
                process.wait()
        self._print(urls, counts, timings)

    def _prepare(self):
        """Give the current database what the pages need; return its published-story count."""
        if not Article.objects.published().exists():
            raise CommandError("数据库里没有已发布的文章：请先运行 bench_search 或 load_demo。")
        dressed = False
        with transaction.atomic():
            generated = Channel.objects.filter(slug__startswith="bench-").exists()
            if generated and not TaggedItem.objects.exists():
                # On stderr: a worker's stdout carries its answers only.
                self.stderr.write("为生成的数据补充标签、头条/推荐/置顶、浏览量和定时/到期/草稿文章（只需一次）…")
                _dress_generated_data()
                dressed = True
            _ensure_topic()
        if dressed and connection.vendor == "postgresql":
            # Dressing rewrote every story's row: without autovacuum (some servers run without
            # it) the dead rows would double what every page reads. VACUUM runs outside a transaction.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elif dressed:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return Article.objects.published().count()

    def _serve(self, stories, urls):
        """Worker: says it is ready, then one JSON answer on stdout per JSON request on stdin."""
        self.stdout.write(json.dumps({"stories": stories}))
        self.stdout.flush()
        for line in sys.stdin:
            batch = json.loads(line)
            answer = {"stories": stories, "pages": measure(urls, **batch)}
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            self.stdout.flush()

    def _print(self, urls, counts, timings):
        others = [label for label in timings if label != LARGE]
        self.stdout.write(
            "服务端耗时（进程内测试客户端，DEBUG 关闭，页面缓存关闭），单位 ms；÷X：大库中位数是 X 的几倍。"
        )
        self.stdout.write(
            _row(["页面", *(f"{label} p50" for label in timings), f"{LARGE} p95", *(f"÷{label}" for label in others)])
        )
        worst = dict.fromkeys(others, 0.0)
        for name in urls:
            p50 = {label: _median_p95(timings[label][name])[0] for label in timings}
            ratios = {label: p50[LARGE] / p50[label] for label in others}
            for label, ratio in ratios.items():
                worst[label] = max(worst[label], ratio)
            cells = [f"{p50[label]:.1f}" for label in timings]
            cells += [f"{_median_p95(timings[LARGE][name])[1]:.1f}", *(f"{r:.2f}" for r in ratios.values())]
            self.stdout.write(_row([name, *cells]))
        self.stdout.write("数据：" + "、".join(f"{label} {counts[label]:,} 篇已发布" for label in timings) + "。")
        if others:
            summary = "；".join(f"÷{label} 最大 {worst[label]:.2f} 倍" for label in others)
            self.stdout.write(f"目标：每个页面大库中位数不超过演示库的 1.5 倍（本次 {summary}）。")


def pages():
    """The public pages to time, as {name: url}, with subjects that exist in this database."""
    published = Article.objects.published()
    total = published.count()
    article = published.newest_first()[min(10, total // 2)]
    through = Article.regions.through.objects
    region_id = through.values("region").annotate(n=Count("id")).order_by("-n")[0]["region"]
    channel_id = published.values("channel").annotate(n=Count("id")).order_by("-n")[0]["channel"]
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n").first()
    newest = timezone.localtime(published.newest_first().first().publish_at)
    return {
        "首页": "/",
        "文章": article.get_absolute_url(),
        NOTHING_KEPT: article.get_absolute_url(),
        "区域": Region.objects.get(pk=region_id).get_absolute_url(),
        "栏目": Channel.objects.get(pk=channel_id).get_absolute_url(),
        "标签": f"/tags/{tag.slug}/",
        "月归档": f"/archive/{newest.year}/{newest.month}/",
        "专题": Topic.objects.get(slug=TOPIC_SLUG).get_absolute_url(),
        "搜索亦庄": "/search/?q=亦庄",
    }


def measure(urls, runs, warmup):
    """{name: [ms, …]}: `runs` timed requests to each URL after `warmup` untimed ones.

    DEBUG is off and so is the page cache (PAGE_CACHE_SECONDS=0, articles.reading.cache): every
    request runs the view. Data caches the pages rely on (the navigation, a story's kept parts)
    stay as configured, but for NOTHING_KEPT.
    """
    client = Client(HTTP_HOST="localhost")
    result = {}
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["localhost"], PAGE_CACHE_SECONDS=0):
        for name, url in urls.items():
            timings = []
            for n in range(warmup + runs):
                with override_settings(STORY_PART_SECONDS=0 if name == NOTHING_KEPT else settings.STORY_PART_SECONDS):
                    started = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{name} {url}: HTTP {response.status_code}")
                if n >= warmup:
                    timings.append(elapsed)
            result[name] = timings
    return result


def _start_worker(url, fill):
    """This command as a worker on the database `url`, created and filled (`fill`) if needed."""
    _create_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    for args in (["migrate", "--noinput", "-v0"], fill):
        subprocess.run([*manage, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    process = subprocess.Popen(
        [*manage, "bench_pages", "--worker"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    _answer(process)  # ready: its start-up no longer competes with the timings
    return process


def _ask(process, batch):
    """Have a worker time `batch`, and return its answer."""
    process.stdin.write(json.dumps(batch) + "\n")
    process.stdin.flush()
    return _answer(process)


def _answer(process):
    """A worker's next line of output that is JSON."""
    for line in process.stdout:
        if line.startswith("{"):
            return json.loads(line)
    raise CommandError("比较用的数据库的计时进程意外退出。")


def _row(cells):
    """A table row; CJK characters take two columns in a terminal."""
    widths = [10] + [12] * (len(cells) - 1)
    padded = []
    for n, (cell, width) in enumerate(zip(cells, widths, strict=False)):
        gap = " " * max(0, width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in cell))
        padded.append(cell + gap if n == 0 else gap + cell)
    return "".join(padded)


def _median_p95(values):
    """The median and the 95th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _ensure_topic():
    """A published topic of the ten newest stories (the topic page's subject)."""
    topic, created = Topic.objects.get_or_create(
        slug=TOPIC_SLUG, defaults={"title": "基准专题", "summary": "页面基准使用的专题。", "is_published": True}
    )
    if created:
        newest = Article.objects.published().newest_first()[:10]
        TopicEntry.objects.bulk_create(TopicEntry(topic=topic, article=a, order=n) for n, a in enumerate(newest))


def _dress_generated_data():
    """Tags (a large, a mid-sized and a small one on every story), flags, view counts, and
    stories readers must not see, so the large data set exercises what the demo one has."""
    topic_tags = _tags(TOPICS)
    place_tags = _tags(f"{short}{topic}" for short, _ in PLACES for topic in TOPICS)
    generic_tags = _tags(GENERIC_TAGS)
    content_type = ContentType.objects.get_for_model(Article).pk
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO taggit_taggeditem (content_type_id, object_id, tag_id)"
            " SELECT %(ct)s, id, (%(topic)s::bigint[])[1 + id %% %(n_topic)s] FROM articles_article"
            " UNION ALL SELECT %(ct)s, id, (%(place)s::bigint[])[1 + (id * 7) %% %(n_place)s] FROM articles_article"
            " UNION ALL SELECT %(ct)s, id, (%(generic)s::bigint[])[1 + (id / 3) %% %(n_generic)s]"
            " FROM articles_article WHERE id %% 3 = 0",
            {
                "ct": content_type,
                "topic": topic_tags,
                "n_topic": len(topic_tags),
                "place": place_tags,
                "n_place": len(place_tags),
                "generic": generic_tags,
                "n_generic": len(generic_tags),
            },
        )
        cursor.execute(
            "UPDATE articles_article SET is_headline = id % 500 = 0, is_featured = id % 50 = 7,"
            " is_pinned = id IN (SELECT id FROM articles_article ORDER BY publish_at DESC LIMIT 2 OFFSET 40),"
            " view_count = (id * 7919) % 5000"
        )
    Region.objects.filter(slug__in=[f"bench-{n}" for n in range(6)]).update(show_on_home=True)
    now = timezone.now()
    channel = Channel.objects.filter(slug="bench-0").first()
    published = Article.Status.PUBLISHED
    hours = [timezone.timedelta(hours=n + 1) for n in range(50)]
    unseen = [
        *({"status": published, "publish_at": now + h} for h in hours),  # scheduled
        *({"status": published, "publish_at": now - 24 * h, "expire_at": now - h} for h in hours),  # expired
        *({"status": Article.Status.DRAFT, "publish_at": now - h} for h in hours),
    ]
    Article.objects.bulk_create(
        Article(title=f"读者看不到的文章（{n}）", summary="-", body="<p>-</p>", channel=channel, **fields)
        for n, fields in enumerate(unseen)
    )


def _tags(names):
    names = list(dict.fromkeys(names))
    Tag.objects.bulk_create(
        [Tag(name=name, slug=f"bench-{n}-{name}") for n, name in enumerate(names)], ignore_conflicts=True
    )
    return list(Tag.objects.filter(name__in=names).values_list("pk", flat=True))


def _sibling_url(suffix):
    """DATABASE_URL with `suffix` added to the database name."""
    url = urlparse(os.environ.get("DATABASE_URL", ""))
    if not url.path.strip("/"):
        raise CommandError("无法推断比较用的数据库：请用 --demo-database-url / --small-database-url 指定。")
    return urlunparse(url._replace(path=url.path.rstrip("/") + suffix))


def _create_database(url):
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    admin.close()
