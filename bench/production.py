"""newsportal in its production configuration under gunicorn, for the benchmarks (load.py, lighthouse.py).

The settings are bench.settings (production's, with a temporary STATIC_ROOT), with DEBUG off, a
throwaway SECRET_KEY and plain HTTP on a free loopback port. Each caller adds its own database,
cache and the like. (Not named site.py: a script's folder comes first on sys.path, where a site.py
would stand in for Python's own module.)
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(PYTHON).with_name("gunicorn")
# Inherited settings that would put something in front of, or behind, the benchmarked site.
NOT_INHERITED = ("BEHIND_TLS_PROXY", "FRONT_CACHE_PURGE_URLS")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProductionSite:
    """newsportal as production runs it, started and stopped under gunicorn.

    `env` overrides or adds settings to the production ones; a value of None removes an inherited
    variable. Pages are requested at `host` (allowed besides 127.0.0.1), on a port chosen afresh at
    each start().
    """

    def __init__(self, workdir, host="127.0.0.1", **env):
        self.workdir = workdir
        self.host = host
        self.static_root = workdir / "static"
        self.process = None
        self.port = None
        self.log = None
        settings = {
            **{name: value for name, value in os.environ.items() if name not in NOT_INHERITED},
            "DJANGO_SETTINGS_MODULE": "bench.settings",  # the production settings, STATIC_ROOT apart
            "BENCH_STATIC_ROOT": str(self.static_root),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": ",".join(dict.fromkeys((host, "127.0.0.1"))),
            "SITE_URL": "https://bench.example.cn",
            "EMAIL_HOST": "127.0.0.1",  # required in production; nothing here sends mail
            "INSECURE_HTTP": "1",  # plain HTTP on the loopback: no TLS proxy in front
            "LOG_LEVEL": "WARNING",
            **env,
        }
        self.env = {name: value for name, value in settings.items() if value is not None}

    def manage(self, *command, hint=""):
        """Runs a manage.py command with the site's settings and returns its output; exits on failure."""
        result = subprocess.run(
            [PYTHON, "manage.py", *command], cwd=REPO, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            sys.exit(f"manage.py {' '.join(command)} failed{hint}:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self, workers, worker_class=None, env=None):
        """Starts gunicorn with `workers` workers (and `env` on top of the site's) and waits for /healthz."""
        self.port = free_port()
        self.log = self.workdir / f"gunicorn-{self.port}.log"
        command = [str(GUNICORN), "-c", "gunicorn.conf.py", "newsportal.wsgi", "--workers", str(workers)]
        if worker_class:
            command += ["--worker-class", worker_class]
        self.process = subprocess.Popen(
            command + ["--bind", f"127.0.0.1:{self.port}", "--error-logfile", str(self.log)],
            cwd=REPO,
            env={**self.env, **(env or {})},
            start_new_session=True,  # its own process group: stop() ends the master and its workers
        )
        self.wait_until_healthy()

    def wait_until_healthy(self, seconds=60):
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}:\n{self.log.read_text()}")
            if self._healthz() == 200:
                return
            if time.monotonic() > deadline:
                sys.exit(f"newsportal did not answer /healthz within {seconds} s:\n{self.log.read_text()}")
            time.sleep(0.3)

    def _healthz(self):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            connection.close()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        # gunicorn finishes the requests in hand on TERM: wait for its whole group, then insist.
        group = self.process.pid
        os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                self.process.poll()
                os.killpg(group, 0)  # ProcessLookupError once the master and every worker are gone
                time.sleep(0.1)
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def url(self, path):
        return f"http://{self.host}:{self.port}{path}"
