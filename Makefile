# newsportal — the doors a newcomer uses: make run, make test, make lint, make check.

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Development defaults; production sets these in its own environment.
export DEBUG ?= 1

# The first interpreter >= 3.12: python3.13/python3.12 on PATH (pyenv shims only count if they
# actually run), then any 3.12+ that pyenv has installed.
define FIND_PYTHON
for c in python3.13 python3.12; do \
  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v $$c; exit 0; fi; done; \
if command -v pyenv >/dev/null 2>&1; then \
  root=$$(pyenv root); \
  for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$$' | sort -t. -k1,1n -k2,2nr -k3,3nr); do \
    if "$$root/versions/$$v/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
      echo "$$root/versions/$$v/bin/python"; exit 0; fi; done; fi; \
exit 1
endef

.PHONY: run serve test lint format check bench bench-bakerydemo lighthouse install clean

$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  rm -rf $(VENV); \
	  python=$$($(FIND_PYTHON)) || { \
	    echo "错误 / error: newsportal needs Python 3.12 or newer (Django 6.1), and none was found."; \
	    echo "Install one (e.g. 'pyenv install 3.12' or your system's python3.12 package) and run make again."; \
	    exit 1; }; \
	  echo "Using $$python ($$($$python --version))"; \
	  $$python -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) ensure_admin --demo-staff
	@echo "打开 http://127.0.0.1:$(PORT)/ 浏览网站，http://127.0.0.1:$(PORT)/admin/ 进入编辑后台。"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The production configuration on 127.0.0.1:$(PORT): DEBUG=0, check --deploy, migrate, collectstatic,
# gunicorn (workers from the cores) and the task worker side by side; Ctrl-C stops both. Secrets
# are generated once into .serve.env; any variable in the environment wins (README, "Production").
serve: install
	DEBUG=0 $(PY) -m newsportal.serve --port $(PORT)

# The suite runs on every core (pytest-xdist), a test file per worker at a time; PYTEST_ARGS=-n0
# runs it in one process (e.g. to use a debugger).
PYTEST_ARGS ?= -n auto --dist loadfile

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# Benchmarks run on PostgreSQL, in a database of their own that is generated once and reused.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsportal_bench
BENCH_ARTICLES ?= 100000
# bench_pages also fills and times <database>_demo (load_demo) and <database>_small (1,000 stories).
BENCH_PAGE_RUNS ?= 30

# bench_search and bench_pages time pages in the production configuration (DEBUG off, manifest
# static files, Redis), as bench/load.py serves them; the secrets are throwaway ones for the run.
BENCH_STATIC_ROOT ?= /tmp/newsportal-bench-static
BENCH_ENV = DJANGO_SETTINGS_MODULE=bench.settings BENCH_STATIC_ROOT="$(BENCH_STATIC_ROOT)" DEBUG=0 \
  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" ALLOWED_HOSTS=localhost,127.0.0.1 \
  SITE_URL=https://bench.example.cn EMAIL_HOST=127.0.0.1 INSECURE_HTTP=1 LOG_LEVEL=WARNING \
  REDIS_URL="$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/12}" CACHE_KEY_PREFIX=newsportal-bench-pages \
  DATABASE_URL="$(BENCH_DATABASE_URL)"

bench: install
	@$(PY) -c "import psycopg2, sys; from urllib.parse import urlparse; u = urlparse(sys.argv[1]); \
	  c = psycopg2.connect(host=u.hostname, port=u.port or 5432, user=u.username or 'postgres', dbname='postgres'); \
	  c.autocommit = True; cur = c.cursor(); name = u.path.lstrip('/'); \
	  cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]); \
	  cur.fetchone() or cur.execute(f\"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'\")" \
	  "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) migrate --noinput -v0
	$(BENCH_ENV) $(MANAGE) collectstatic --noinput -v0
	$(BENCH_ENV) $(MANAGE) bench_search --articles $(BENCH_ARTICLES)
	$(BENCH_ENV) $(MANAGE) bench_pages --runs $(BENCH_PAGE_RUNS)
	$(PY) bench/load.py --database-url "$(BENCH_DATABASE_URL)"

# Wagtail's bakerydemo set up under /tmp/bakerydemo (BAKERYDEMO_DIR) and measured beside bench/load.py's pages.
bench-bakerydemo: install
	bash bench/bakerydemo.sh run $(PY) bench/load.py --database-url "$(BENCH_DATABASE_URL)"

# Lighthouse (bench/lighthouse/package.json pins it; Node 18.20+ and npm) on the public pages, served as in
# production over the demo content, with Debian's Chromium: scores against issue 13's targets.
# Three runs a page, the median by performance (LIGHTHOUSE_ARGS="--runs 1" is quicker); --strict fails on a miss.
LIGHTHOUSE_ARGS ?=
CHROME_PATH ?= /usr/bin/chromium

bench/lighthouse/node_modules/.installed: bench/lighthouse/package.json bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --no-audit --no-fund
	@touch $@

lighthouse: install bench/lighthouse/node_modules/.installed
	CHROME_PATH="$(CHROME_PATH)" $(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
