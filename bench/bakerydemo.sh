#!/usr/bin/env bash
# Wagtail's bakerydemo beside newsportal, for `make bench-bakerydemo` (README, end of "Search").
#
#   bench/bakerydemo.sh setup           download it, make its venv and database, load its initial data
#   bench/bakerydemo.sh serve           set up, then serve it in the foreground (Ctrl-C stops it)
#   bench/bakerydemo.sh run CMD [ARG…]  set up, serve it in the background, run CMD with BAKERYDEMO_URL
#                                       naming a blog post, and stop the server when CMD ends
#
# Everything lives under $BAKERYDEMO_DIR (default /tmp/bakerydemo) and each step is skipped when
# already done, so a second run starts serving within seconds. Nothing of bakerydemo enters this
# repository. It runs as its own production settings say (DEBUG off, WhiteNoise, PostgreSQL) on
# gunicorn with newsportal's worker settings (2 sync workers, same gunicorn release), on plain HTTP
# on the loopback interface as newsportal's INSECURE_HTTP=1 does. Its cache is left at the
# production settings' fallback, local memory in each worker (no REDIS_URL): faster than Redis, so
# the comparison errs in bakerydemo's favour.
#
# Environment: BAKERYDEMO_DIR, BAKERYDEMO_SOURCE (a git URL or a local clone; default the public
# repository on GitHub), BAKERYDEMO_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bakerydemo_bench),
# BAKERYDEMO_PORT (8090), BAKERYDEMO_PYTHON (an interpreter >= 3.12; default python3.12, then 3.13),
# BENCH_WORKERS (2).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BAKERYDEMO_DIR:-/tmp/bakerydemo}
SOURCE=${BAKERYDEMO_SOURCE:-https://github.com/wagtail/bakerydemo.git}
DB_URL=${BAKERYDEMO_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bakerydemo_bench}
PORT=${BAKERYDEMO_PORT:-8090}
WORKERS=${BENCH_WORKERS:-2}
SRC=$DIR/src
VENV=$DIR/venv

say() { printf '[bakerydemo] %s\n' "$*" >&2; }

find_python() {
  local c v root
  for c in ${BAKERYDEMO_PYTHON:-} python3.12 python3.13; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"
      return
    fi
  done
  # pyenv shims only run the versions selected; look at what pyenv has installed.
  if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[23]\.[0-9]+$' | sort -t. -k2,2n -k3,3nr); do
      if "$root/versions/$v/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        echo "$root/versions/$v/bin/python"
        return
      fi
    done
  fi
  return 1
}

fetch_source() {
  [ -f "$SRC/manage.py" ] && return
  say "downloading from $SOURCE"
  rm -rf "$SRC.tmp"
  git clone --quiet --depth 1 "$SOURCE" "$SRC.tmp" 2>&1 | grep -v 'depth is ignored' >&2 || true
  [ -f "$SRC.tmp/manage.py" ] || { say "error: no bakerydemo at $SOURCE (set BAKERYDEMO_SOURCE)"; exit 1; }
  mv "$SRC.tmp" "$SRC"
}

make_venv() {
  # Its production requirements less uWSGI (a C build, and gunicorn serves it here), plus gunicorn
  # at the release newsportal pins.
  local gunicorn requirements stamp python
  gunicorn=$(grep -oE '"gunicorn==[^"]+"' "$REPO/pyproject.toml" | tr -d '"')
  requirements=$SRC/requirements/bench.txt
  grep -viE '^uwsgi' "$SRC/requirements/production.txt" >"$requirements"
  echo "$gunicorn" >>"$requirements"
  stamp=$(sha256sum "$requirements" "$SRC/requirements/base.txt" | sha256sum | cut -c1-16)
  [ "$(cat "$VENV/.installed" 2>/dev/null)" = "$stamp" ] && return
  python=$(find_python) || { say "error: bakerydemo needs Python 3.12 or newer (Django 6.0); set BAKERYDEMO_PYTHON"; exit 1; }
  say "installing its requirements into $VENV with $python ($("$python" --version))"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -r "$requirements"
  echo "$stamp" >"$VENV/.installed"
}

# The environment its production settings read; nothing else from the caller's (no REDIS_URL …).
manage() {
  (cd "$SRC" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 \
    DJANGO_SETTINGS_MODULE=bakerydemo.settings.production \
    DJANGO_SECRET_KEY="$(cat "$DIR/secret_key")" \
    DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
    DATABASE_URL="$DB_URL" \
    SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 DJANGO_LOG_LEVEL=WARNING PRIMARY_HOST=bench.example.org \
    "$@")
}

setup() {
  mkdir -p "$DIR"
  fetch_source
  make_venv
  [ -s "$DIR/secret_key" ] || "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$DIR/secret_key"
  "$VENV/bin/python" - "$DB_URL" <<'PY'
import sys
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(
    host=url.hostname, port=url.port or 5432, user=unquote(url.username or "postgres"),
    password=unquote(url.password) if url.password else None, dbname="postgres", autocommit=True,
) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        connection.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(sql.Identifier(name)))
PY
  manage "$VENV/bin/python" manage.py migrate --noinput -v0
  if ! manage "$VENV/bin/python" manage.py shell -v0 -c \
    'import sys; from bakerydemo.blog.models import BlogPage; sys.exit(not BlogPage.objects.exists())' 2>/dev/null; then
    say "loading its initial data"
    manage "$VENV/bin/python" manage.py load_initial_data >/dev/null
  fi
  if [ ! -f "$SRC/bakerydemo/collect_static/staticfiles.json" ]; then
    say "collecting its static files"
    manage "$VENV/bin/python" manage.py collectstatic --noinput -v0
  fi
}

blog_post_path() {
  manage "$VENV/bin/python" manage.py shell -v0 -c '
from urllib.parse import urlsplit
from bakerydemo.blog.models import BlogPage
print(urlsplit(BlogPage.objects.live().order_by("path").first().get_url()).path)'
}

port_free() {
  "$VENV/bin/python" -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0)' "$PORT"
}

serve() {
  port_free || { say "error: 127.0.0.1:$PORT is in use (set BAKERYDEMO_PORT)"; exit 1; }
  manage "$VENV/bin/gunicorn" bakerydemo.wsgi --workers "$WORKERS" --worker-class sync \
    --bind "127.0.0.1:$PORT" --log-level warning "$@"
}

wait_until_up() {
  local url=$1
  "$VENV/bin/python" - "$url" <<'PY'
import sys
import time
import urllib.request

deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
            sys.exit(response.status != 200)
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(f"bakerydemo did not answer {sys.argv[1]} within 60 s")
        time.sleep(0.5)
PY
}

# gunicorn finishes the requests in hand on TERM: wait for the whole group, then insist.
stop_server() {
  kill -TERM -- "-$server" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    kill -0 -- "-$server" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$server" 2>/dev/null || true
}

command=${1:-}
shift || true
case "$command" in
  setup)
    setup
    say "ready: bench/bakerydemo.sh serve, then http://127.0.0.1:$PORT$(blog_post_path)"
    ;;
  serve)
    setup
    say "serving a blog post at http://127.0.0.1:$PORT$(blog_post_path)"
    serve
    ;;
  run)
    [ $# -gt 0 ] || { say "usage: $0 run CMD [ARG…]"; exit 2; }
    setup
    url="http://127.0.0.1:$PORT$(blog_post_path)"
    # In a process group of its own (set -m), so that stopping the group stops gunicorn, its
    # workers and the subshells around it, and nothing else.
    set -m
    serve &
    server=$!
    set +m
    trap stop_server EXIT
    trap 'exit 130' INT TERM
    wait_until_up "$url"
    say "serving $url (gunicorn, $WORKERS sync workers)"
    BAKERYDEMO_URL=$url "$@"
    ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
