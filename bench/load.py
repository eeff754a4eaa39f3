"""Load benchmark: newsportal's pages against a static file of the same bytes, on the same stack.

Run by `make bench` (README, end of "Search"). It starts newsportal as production runs it (DEBUG=0,
PostgreSQL with the bench data, Redis, WhiteNoise, gunicorn with 2 sync workers on a free loopback
port), drives it with wrk (a Python load generator when wrk is absent) at 16 connections for a
bounded time after a warm-up, and prints req/s with each figure's ratio to the static file:

- the article page's own bytes saved as a static file, served by WhiteNoise through gunicorn;
- home and article from the page cache (a warm-up request fills it; X-Cache: HIT is checked);
- home and article rendered on every request (a second start with PAGE_CACHE_SECONDS=0), the
  article from its kept parts (articles.reading.story_parts), as a page-cache miss renders it;
- the article with nothing kept at all (a third start, STORY_PART_SECONDS=0 too): a cold store;
- with BAKERYDEMO_URL, a Wagtail bakerydemo blog post (`make bench-bakerydemo` serves one).

Every figure comes from this run on this machine: the ratios are what the targets are about,
absolute numbers move with the machine and whatever else runs on it. The servers, the temporary
static root and the run's Redis keys are removed on exit, Ctrl-C included.
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from production import GUNICORN, PYTHON, ProductionSite

STATIC_PATH = "/static/bench/article.html"
ARTICLE_LINK = re.compile(rb'href="(/articles/\d+/)"')
# Targets: (row, minimum ratio to the static file).
STATIC_TARGETS = {"home, page cache": 0.5, "article, page cache": 0.5}
BAKERYDEMO_TARGET = 5.0
ROW_ORDER = [
    "static file (article bytes)",
    "home, page cache",
    "article, page cache",
    "home, uncached",
    "article, uncached",
    "article, nothing kept",
    "bakerydemo blog post",
]


@dataclass
class Measurement:
    requests_per_second: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int


@dataclass
class Probe:
    status: int
    body: bytes
    headers: http.client.HTTPMessage


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsportal_bench"),
        help="the generated bench database (make bench creates it)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="Redis for the cache; the run's keys carry a prefix of their own and are removed at the end",
    )
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per page")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument(
        "--accept-encoding",
        default="gzip, br",
        help="Accept-Encoding sent with every request, as browsers do ('' for uncompressed bodies)",
    )
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--bakerydemo-url",
        default=os.environ.get("BAKERYDEMO_URL", ""),
        help="a bakerydemo blog post to measure alongside (bench/bakerydemo.sh sets BAKERYDEMO_URL)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args()


# ---------- load generators ----------


def measure(url, seconds, args):
    headers = {"Accept-Encoding": args.accept_encoding} if args.accept_encoding else {}
    if args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk")):
        return _measure_wrk(url, seconds, args.connections, headers)
    return _measure_python(url, seconds, args.connections, headers)


def _measure_wrk(url, seconds, connections, headers):
    # A generous timeout: an uncached page queued behind 16 connections must count, not fail.
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Measurement(
        float(rate.group(1)),
        _wrk_latency(output, "50%"),
        _wrk_latency(output, "99%"),
        errors + (int(bad.group(1)) if bad else 0),
    )


def _wrk_latency(output, percentile):
    found = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if found is None:
        return None
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def _measure_python(url, seconds, connections, headers):
    """Keep-alive HTTP/1.1 clients in threads: slower than wrk, so ratios near 1 mean little."""
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    latencies, errors, lock = [], [0], threading.Lock()

    def client():
        mine, failed, connection = [], 0, None
        while time.monotonic() < deadline:
            try:
                connection = connection or http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                started = time.perf_counter()
                connection.request("GET", parts.path or "/", headers=headers)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                failed += response.status >= 400
                if response.will_close:  # gunicorn's sync workers close after each response
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                failed += 1
                connection = None
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else None

    return Measurement(len(latencies) / elapsed, percentile(0.5), percentile(0.99), errors[0])


def probe(url, accept_encoding=""):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path or "/", headers={"Accept-Encoding": accept_encoding or "identity"})
        response = connection.getresponse()
        return Probe(response.status, response.read(), response.headers)
    finally:
        connection.close()


# ---------- newsportal under gunicorn ----------


class BenchSite(ProductionSite):
    """newsportal in production configuration on the bench database, with Redis keys of its own."""

    def __init__(self, args, workdir):
        self.args = args
        self.key_prefix = f"newsportal-bench-{secrets.token_hex(4)}"
        super().__init__(
            workdir,
            DATABASE_URL=args.database_url,
            REDIS_URL=args.redis_url,
            CACHE_KEY_PREFIX=self.key_prefix,
        )

    def prepare(self):
        self.manage("check", "--deploy")
        self.manage("migrate", "--check", hint=" (is the bench database generated? make bench does it)")
        self.manage("collectstatic", "--noinput", "-v0")

    def start(self, page_cache_seconds, story_part_seconds=3600):
        env = {"PAGE_CACHE_SECONDS": str(page_cache_seconds), "STORY_PART_SECONDS": str(story_part_seconds)}
        super().start(self.args.workers, worker_class="sync", env=env)

    def save_static_copy(self, body):
        """The article's bytes as a static file, compressed as collectstatic compresses the others."""
        from whitenoise.compress import Compressor

        path = self.static_root / STATIC_PATH.removeprefix("/static/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        list(Compressor(quiet=True).compress(str(path)))

    def remove_cache_keys(self):
        import redis

        try:
            client = redis.Redis.from_url(self.args.redis_url)
            keys = list(client.scan_iter(f"{self.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        except redis.RedisError as exc:
            print(f"(Redis keys {self.key_prefix}:* not removed: {exc})", file=sys.stderr)


# ---------- the run ----------


def run_page(label, url, args, rows, expect_cache=None):
    check = probe(url, args.accept_encoding)
    if check.status != 200:
        sys.exit(f"{label}: {url} answered {check.status}")
    if expect_cache and check.headers.get("X-Cache") != expect_cache:
        sys.exit(f"{label}: expected X-Cache: {expect_cache}, got {check.headers.get('X-Cache')!r}")
    measure(url, args.warmup, args)
    print(f"  {label} …", end="", flush=True, file=sys.stderr)
    result = measure(url, args.seconds, args)
    print(f" {result.requests_per_second:.0f} req/s", file=sys.stderr)
    rows[label] = (result, len(check.body), check.headers.get("Content-Encoding", "identity"))


def run(args, workdir):
    site = BenchSite(args, workdir)
    rows = {}
    try:
        print("Preparing newsportal (check --deploy, collectstatic) …", file=sys.stderr)
        site.prepare()

        # Rendered on every request; the article is chosen from the home page and saved as a static file.
        site.start(page_cache_seconds=0)
        home = probe(site.url("/"))
        found = ARTICLE_LINK.search(home.body)
        if home.status != 200 or found is None:
            sys.exit(f"The home page answered {home.status} and links no article: is the bench database filled?")
        article_path = found.group(1).decode()
        article = probe(site.url(article_path))
        if article.status != 200:
            sys.exit(f"{article_path} answered {article.status}")
        site.save_static_copy(article.body)
        print(f"Uncached (PAGE_CACHE_SECONDS=0), article {article_path}:", file=sys.stderr)
        run_page("home, uncached", site.url("/"), args, rows)
        run_page("article, uncached", site.url(article_path), args, rows)
        if args.bakerydemo_url:
            # Right after newsportal's uncached article: the ratio between them is from neighbouring seconds.
            run_page("bakerydemo blog post", args.bakerydemo_url, args, rows)
        site.stop()

        # Nothing kept: every part of the article rendered and every query run, on every request.
        site.start(page_cache_seconds=0, story_part_seconds=0)
        print("Nothing kept (PAGE_CACHE_SECONDS=0, STORY_PART_SECONDS=0):", file=sys.stderr)
        run_page("article, nothing kept", site.url(article_path), args, rows)
        site.stop()

        # Page cache on; WhiteNoise found the static copy at start-up.
        site.start(page_cache_seconds=300)
        static = probe(site.url(STATIC_PATH))
        if static.status != 200 or static.body != article.body:
            sys.exit(f"{STATIC_PATH} does not serve the article's bytes (status {static.status})")
        for path in ("/", article_path):
            probe(site.url(path), args.accept_encoding)  # fills the cache for this encoding
        print("Page cache on:", file=sys.stderr)
        run_page("static file (article bytes)", site.url(STATIC_PATH), args, rows)
        run_page("home, page cache", site.url("/"), args, rows, expect_cache="HIT")
        run_page("article, page cache", site.url(article_path), args, rows, expect_cache="HIT")
        site.stop()
    finally:
        site.stop()
        site.remove_cache_keys()
    return rows, article_path


def report(rows, article_path, args):
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk")) else "python threads"
    print()
    print(
        f"Load benchmark: gunicorn {args.workers} sync workers, {tool}, {args.connections} connections, "
        f"{args.seconds} s per page after {args.warmup} s warm-up, Accept-Encoding: {args.accept_encoding or '-'}"
    )
    print(f"Database {urlsplit(args.database_url).path.lstrip('/')}, article {article_path}")
    static = rows["static file (article bytes)"][0].requests_per_second
    header = f"{'page':<30}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bytes':>9}  {'encoding':<9}{'vs static':>10}  target"
    print(header)
    print("-" * len(header))
    missed = []
    for label in sorted(rows, key=ROW_ORDER.index):
        result, size, encoding = rows[label]
        ratio = result.requests_per_second / static
        target = ""
        if label in STATIC_TARGETS:
            ok = ratio >= STATIC_TARGETS[label]
            target = f">= {STATIC_TARGETS[label]}x {'ok' if ok else 'MISSED'}"
            if not ok:
                missed.append(label)
        if result.errors:
            target += f"  ({result.errors} errors)"
        print(
            f"{label:<30}{result.requests_per_second:>9.0f}{_ms(result.p50_ms):>9}{_ms(result.p99_ms):>9}"
            f"{size:>9}  {encoding:<9}{ratio:>9.2f}x  {target}"
        )
    if "bakerydemo blog post" in rows:
        ours = rows["article, uncached"][0].requests_per_second
        theirs = rows["bakerydemo blog post"][0].requests_per_second
        ok = ours >= BAKERYDEMO_TARGET * theirs
        print(
            f"\nnewsportal article uncached / bakerydemo blog post: {ours / theirs:.1f}x "
            f"(target >= {BAKERYDEMO_TARGET:g}x {'ok' if ok else 'MISSED'}; {args.bakerydemo_url})"
        )
        cold = rows["article, nothing kept"][0].requests_per_second
        print(f"newsportal article with nothing kept / bakerydemo blog post: {cold / theirs:.1f}x (no target)")
        if not ok:
            missed.append("bakerydemo")
    else:
        print("\n(bakerydemo not measured: `make bench-bakerydemo`, or set BAKERYDEMO_URL to a served blog post)")
    print("Figures from a shared or busy machine are noisy; compare ratios from one run, not runs.")
    return missed


def _ms(value):
    return "-" if value is None else f"{value:.1f}"


def main():
    args = parse_args()
    if not GUNICORN.exists():
        sys.exit(f"gunicorn not found beside {PYTHON}: run make install")
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C, so the finally blocks stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="newsportal-bench-"))
    try:
        rows, article_path = run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    missed = report(rows, article_path, args)
    if missed and args.strict:
        sys.exit(1)


if __name__ == "__main__":
    main()
