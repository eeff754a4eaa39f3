"""make serve (newsportal.serve): a production configuration that runs with no environment at all,
gunicorn and the task worker stopped together."""

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives

from newsportal.serve import ReadableMailBackend, local_environment, supervise

ROOT = Path(__file__).resolve().parent.parent
BARE = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_the_first_run_generates_secrets_into_a_private_file_and_later_runs_reuse_them(tmp_path):
    first = local_environment(BARE, 8000, base_dir=tmp_path)
    secrets_file = tmp_path / ".serve.env"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert len(first["SECRET_KEY"]) >= 32 and len(first["HEALTHZ_TOKEN"]) >= 32
    second = local_environment(BARE, 8000, base_dir=tmp_path)
    assert (second["SECRET_KEY"], second["HEALTHZ_TOKEN"]) == (first["SECRET_KEY"], first["HEALTHZ_TOKEN"])


def test_with_no_environment_it_serves_plain_http_on_the_loopback_with_local_mail_cache_and_a_worker(tmp_path):
    env = local_environment(BARE, 8123, base_dir=tmp_path)
    assert (env["DEBUG"], env["INSECURE_HTTP"], env["TASKS_BACKEND"], env["PORT"]) == ("0", "1", "database", "8123")
    assert env["SITE_URL"] == "http://newsportal.test:8123"
    assert "127.0.0.1" in env["ALLOWED_HOSTS"].split(",")
    assert env["SERVE_MAIL_DIR"] == str(tmp_path / ".local" / "mail")
    assert env["SERVE_CACHE_DIR"] == str(tmp_path / ".local" / "cache")
    assert "DATABASE_URL" not in env  # the SQLite database of make run


def test_the_real_environment_wins_over_the_file_and_the_defaults(tmp_path):
    (tmp_path / ".serve.env").write_text("SECRET_KEY=from-the-file-" + "k" * 40 + "\nSITE_NAME=文件里的站名\n")
    given = {
        **BARE,
        "SITE_NAME": "环境里的站名",
        "SITE_URL": "https://news.example.cn",
        "EMAIL_HOST": "smtp.example.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/newsportal",
        "TASKS_BACKEND": "immediate",
    }
    env = local_environment(given, 8000, base_dir=tmp_path)
    assert env["SECRET_KEY"] == "from-the-file-" + "k" * 40
    assert env["SITE_NAME"] == "环境里的站名"
    assert {name: env[name] for name in given} == given
    assert "SERVE_MAIL_DIR" not in env and "SERVE_CACHE_DIR" not in env


def test_debug_is_always_off(tmp_path):
    assert local_environment({**BARE, "DEBUG": "1"}, 8000, base_dir=tmp_path)["DEBUG"] == "0"


def test_behind_a_tls_proxy_plain_http_is_not_assumed(tmp_path):
    env = local_environment({**BARE, "BEHIND_TLS_PROXY": "1"}, 8000, base_dir=tmp_path)
    assert env["INSECURE_HTTP"] == "0"


def test_the_local_environment_passes_the_production_checks_with_nothing_to_report(tmp_path):
    env = local_environment(BARE, 8000, base_dir=tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_when_one_process_exits_the_other_is_stopped_and_serve_fails():
    started = time.monotonic()
    code = supervise({"sleeper": SLEEPER, "crasher": [sys.executable, "-c", "raise SystemExit(3)"]}, BARE, 0.1)
    assert code == 1
    assert time.monotonic() - started < 20


SUPERVISOR = textwrap.dedent(
    """
    import json, sys
    from newsportal import serve
    real_popen = serve.subprocess.Popen
    def popen(*args, **kwargs):
        child = real_popen(*args, **kwargs)
        print(json.dumps(child.pid), flush=True)
        return child
    serve.subprocess.Popen = popen
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    sys.exit(serve.supervise({"web": sleeper, "worker": sleeper}, {}, 0.1))
    """
)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_term_stops_both_and_exits_cleanly(signum):
    process = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR], cwd=ROOT, env=BARE, stdout=subprocess.PIPE, text=True
    )
    children = [json.loads(process.stdout.readline()) for _ in range(2)]
    process.send_signal(signum)
    assert process.wait(timeout=30) == 0
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_local_mail_is_written_readable(tmp_path):
    backend = ReadableMailBackend(file_path=str(tmp_path), alias="default")
    message = EmailMultiAlternatives(
        "【北京招商资讯网】已收到您的留言",
        "您好：\n受理编号 LX-20261126-000001",
        "noreply@example.cn",
        ["tester@example.cn"],
    )
    message.attach_alternative("<p>您好</p>", "text/html")
    message.attach("说明.pdf", b"%PDF-1.4", "application/pdf")
    assert backend.send_messages([message]) == 1
    [written] = tmp_path.iterdir()
    text = written.read_text(encoding="utf-8")
    assert "Subject: 【北京招商资讯网】已收到您的留言" in text
    assert "To: tester@example.cn" in text
    assert "受理编号 LX-20261126-000001" in text
    assert "[附件：说明.pdf（application/pdf）]" in text
