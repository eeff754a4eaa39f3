"""`make serve`: newsportal in its production configuration on this machine.

DEBUG off, migrations, collectstatic, then gunicorn (newsportal.wsgi, gunicorn.conf.py: a worker
count from the cores) and the task worker (`manage.py worker`) side by side on 127.0.0.1:PORT.
Ctrl-C (or TERM) stops both, each given time to finish what it holds; when either one exits, the
other is stopped too and make serve fails, so a half-running site never looks like a running one.

It runs with no environment at all: `local_environment()` fills in what production requires for a
loopback run, and any variable set in the real environment (or added to .serve.env) wins:

- SECRET_KEY and HEALTHZ_TOKEN: generated once into .serve.env (git-ignored, mode 0600);
- INSECURE_HTTP=1 (plain HTTP, no TLS on the loopback) unless BEHIND_TLS_PROXY is set;
- ALLOWED_HOSTS 127.0.0.1, localhost and newsportal.test; SITE_URL http://newsportal.test:PORT
  (settings refuse a loopback SITE_URL in production, and .test is reserved: links in e-mails
  never lead to someone else's site);
- TASKS_BACKEND=database: tasks queue in the database for the worker beside gunicorn;
- without EMAIL_HOST, e-mails are written to files under .local/mail/ (newsportal.serve_settings);
  without REDIS_URL, the cache is files under .local/cache/, shared by every process;
- DATABASE_URL, else the SQLite db.sqlite3 that `make run` uses (in WAL mode: the worker and the
  gunicorn workers read and write it side by side).

When the database holds no story yet, the demo content is loaded and an admin login printed.
"""

import argparse
import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_ENV_FILE = ".serve.env"
# Seconds the children get to finish after TERM (gunicorn's graceful_timeout is 30) before KILL.
STOP_GRACE_SECONDS = 35


def local_environment(environ, port, base_dir=BASE_DIR):
    """The environment make serve runs with: local defaults < .serve.env < the real environment."""
    given = {**read_local_env(base_dir / LOCAL_ENV_FILE), **environ}
    behind_proxy = given.get("BEHIND_TLS_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}
    env = {
        "INSECURE_HTTP": "0" if behind_proxy else "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,newsportal.test",
        "SITE_URL": f"http://newsportal.test:{port}",
        "TASKS_BACKEND": "database",
        "DJANGO_SETTINGS_MODULE": "newsportal.serve_settings",
        **given,
    }
    if not env.get("EMAIL_HOST"):
        # settings require EMAIL_HOST when DEBUG is off; newsportal.serve_settings sends nothing to it.
        env.update(EMAIL_HOST="localhost", SERVE_MAIL_DIR=str(base_dir / ".local" / "mail"))
    if not env.get("REDIS_URL"):
        env["SERVE_CACHE_DIR"] = str(base_dir / ".local" / "cache")
    # The point of make serve (the Makefile exports DEBUG=1 for its other targets).
    env.update(DEBUG="0", PORT=str(port))
    return env


def read_local_env(path):
    """KEY=VALUE lines of .serve.env, created on first use with a new SECRET_KEY and HEALTHZ_TOKEN."""
    if not path.exists():
        generated = (
            "# make serve's local secrets (newsportal/serve.py). Not in git; lines added here\n"
            "# (KEY=VALUE) are read too, and the real environment wins over them.\n"
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"HEALTHZ_TOKEN={secrets.token_urlsafe(32)}\n"
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(generated)
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            values[name.strip()] = value.strip().strip("\"'")
    return values


class ReadableMailBackend(FileEmailBackend):
    """Django's file e-mail backend, writing what a person reads: the headers and the plain text
    decoded (Django sends Chinese text base64-encoded, unreadable in the raw file), and the name
    of each attachment. Files under .local/mail/, one per connection, messages separated by a line."""

    def write_message(self, message):
        email = message.message()
        lines = [
            f"{name}: {email[name]}" for name in ("Date", "From", "To", "Cc", "Reply-To", "Subject") if email[name]
        ]
        for part in email.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                lines.append(f"[附件：{part.get_filename()}（{part.get_content_type()}）]")
            elif part.get_content_type() == "text/plain":
                lines += ["", part.get_content().rstrip("\n")]
            else:
                lines.append(f"[{part.get_content_type()} 版本，未列出]")
        self.stream.write(("\n".join(lines) + "\n" + "-" * 79 + "\n").encode("utf-8"))


# ---------- running ----------


def manage(env, *arguments, check=True):
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env, check=check)


def prepare(env):
    """Checks, migrations and static files; the demo content and an admin login on an empty site."""
    manage(env, "check", "--deploy", "--fail-level", "ERROR")
    manage(env, "migrate", "--noinput", "-v", "1")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    has_stories = "import sys; from articles.models import Article; sys.exit(0 if Article.objects.exists() else 3)"
    if manage(env, "shell", "-v", "0", "-c", has_stories, check=False).returncode == 3:
        print("数据库中还没有文章：载入演示内容。", flush=True)
        manage(env, "load_demo")
        manage(env, "ensure_admin")
        print("（生产配置下超级用户首次登录须绑定两步验证：用身份验证器扫描页面上的二维码。）", flush=True)


def _die_with_parent():
    # Linux: a child is sent TERM if this supervisor is killed outright (no orphaned gunicorn).
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def supervise(commands, env, poll_seconds=0.5):
    """Run {name: argv} side by side until a signal or until one exits; then stop them all.

    Returns 0 after INT/TERM, 1 when a process exited by itself.
    """
    stop = []
    previous = {
        sig: signal.signal(sig, lambda signum, frame: stop.append(signum)) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    children = {}
    try:
        for name, argv in commands.items():
            # A session of its own: the terminal's Ctrl-C reaches only this supervisor, which then
            # stops each child once and gracefully (a second INT would make the worker abandon its task).
            children[name] = subprocess.Popen(
                argv, cwd=BASE_DIR, env=env, start_new_session=True, preexec_fn=_die_with_parent
            )
        ended = None
        while not stop and ended is None:
            ended = next((name for name, child in children.items() if child.poll() is not None), None)
            if ended is None:
                time.sleep(poll_seconds)
        if ended is not None:
            print(
                f"{ended} 已退出（代码 {children[ended].returncode}），正在停止其余进程。", file=sys.stderr, flush=True
            )
        else:
            print("正在停止 gunicorn 和任务 worker …", file=sys.stderr, flush=True)
        return 0 if ended is None else 1
    finally:
        _stop(children.values())
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(children, grace=STOP_GRACE_SECONDS):
    running = [child for child in children if child.poll() is None]
    for child in running:
        child.terminate()  # the gunicorn master stops its own workers, each after its request
    deadline = time.monotonic() + grace
    for child in running:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)  # its whole session: gunicorn's workers too
            child.wait()


def _signal_group(child, signum):
    # Only for a child not yet reaped: its id, and so its session's, is still its own.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)


def main(argv=None):
    parser = argparse.ArgumentParser(description="newsportal 的生产配置，在本机 127.0.0.1 上运行（make serve）。")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    args = parser.parse_args(argv)
    env = local_environment(dict(os.environ), args.port)
    try:
        prepare(env)
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    except KeyboardInterrupt:  # Ctrl-C during the migrations: they stopped with it
        return 130
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    commands = {
        "gunicorn": [gunicorn, "-c", "gunicorn.conf.py", "newsportal.wsgi"],
        "任务 worker": [sys.executable, "manage.py", "worker"],
    }
    notes = [f"本地密钥在 {LOCAL_ENV_FILE}（含 HEALTHZ_TOKEN）"]
    if env.get("INSECURE_HTTP") == "1":
        notes.append("纯 HTTP、无 TLS（INSECURE_HTTP=1），只宜在本机使用")
    if env.get("SERVE_MAIL_DIR"):
        notes.append(f"邮件写入 {env['SERVE_MAIL_DIR']}/")
    print(
        f"生产配置（DEBUG=0）运行于 http://127.0.0.1:{args.port}/ ，后台 http://127.0.0.1:{args.port}/admin/ 。"
        f"\n{'；'.join(notes)}。按 Ctrl-C 停止。",
        flush=True,
    )
    return supervise(commands, env)


if __name__ == "__main__":
    sys.exit(main())
