"""Security headers and cookies of a production configuration, graded by the Mozilla Observatory's rules.

The production values come from newsportal.settings imported in a fresh interpreter with the
README's environment (tests.test_settings_env), then applied over the test settings: the tests
see what production sends, not a copy of it.
"""

import re
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import include, path

from newsportal.headers import STATIC_FILE_CSP
from tests.error_urls import boom
from tests.test_settings_env import PRODUCTION, ROOT, run_python, server_env, settings_values

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SECURITY_SETTINGS = [
    "SECURE_CSP", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS", "CROSS_ORIGIN_RESOURCE_POLICY", "PERMISSIONS_POLICY", "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
]  # fmt: skip
PRIVATE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
SIX_MONTHS = 15768000


def signed_in_view(request):
    """A response that sets both the session and the CSRF cookie, as the admin's sign-in does."""
    request.session["seen"] = True
    get_token(request)
    return HttpResponse("ok")


urlpatterns = [path("signed-in/", signed_in_view), path("boom/", boom), path("", include("newsportal.urls"))]
handler500 = "newsportal.views.server_error"


@pytest.fixture(scope="module")
def production_values():
    return settings_values(SECURITY_SETTINGS, **PRODUCTION)


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, value)
    return Client(raise_request_exception=False)


def https_get(client, url):
    return client.get(url, secure=True)


def csp_directives(header):
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/healthz", 200),
        ("/feeds/rss/", 200),
        ("/static/css/site.css", 200),  # answered by WhiteNoise, outside the rest of the middleware
        ("/no/such/page/", 404),
        ("/boom/", 500),
        ("/admin/login/", None),
    ],
)
def test_every_response_carries_the_security_headers(production, url, status):
    response = https_get(production, url)
    assert status is None or response.status_code == status
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    denied = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert denied[feature] == "()"
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] and csp["frame-ancestors"] == ["'none'"]


def test_static_files_get_a_lock_down_policy_of_their_own(production):
    response = https_get(production, "/static/img/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STATIC_FILE_CSP


def test_pages_keep_the_strict_nonce_based_policy(production):
    csp = csp_directives(https_get(production, "/")["Content-Security-Policy"])
    assert csp["script-src"][0] == "'self'" and all(source.startswith("'nonce-") for source in csp["script-src"][1:])
    assert csp["style-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


def test_plain_http_is_redirected_to_https_on_the_same_host(production):
    response = production.get("/regions/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/regions/?page=2"


def test_healthz_answers_monitors_over_plain_http(production):
    assert production.get("/healthz").status_code == 200


def test_cookies_are_secure_host_only_and_same_site(production):
    cookies = https_get(production, "/signed-in/").cookies
    assert set(cookies) == {"__Host-sessionid", "__Host-csrftoken"}
    for cookie in cookies.values():
        assert cookie["secure"] and cookie["samesite"] == "Lax" and cookie["path"] == "/" and not cookie["domain"]
    assert cookies["__Host-sessionid"]["httponly"]


def page_scripts(page):
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', page.content.decode())


def observatory_modifiers(page, redirect, cookies):
    """The HTTP Observatory's modifier for each test (mdn/mdn-http-observatory, src/grader/charts.js)."""
    csp = csp_directives(page["Content-Security-Policy"])
    scripts, styles = csp.get("script-src", csp["default-src"]), csp.get("style-src", csp["default-src"])
    unsafe_scripts = {"'unsafe-inline'", "'unsafe-eval'", "data:", "http:", "https:", "*"} & set(scripts)
    unsafe_styles = {"'unsafe-inline'", "data:", "http:", "https:", "*"} & set(styles)
    hsts_age = int(re.search(r"max-age=(\d+)", page.get("Strict-Transport-Security", "max-age=0"))[1])
    sessions = [cookie for name, cookie in cookies.items() if "sess" in name.lower() or "login" in name.lower()]
    cookies_ok = all(cookie["secure"] for cookie in cookies.values()) and all(c["httponly"] for c in sessions)
    same_site = all(cookie["samesite"] in {"Lax", "Strict"} for cookie in cookies.values())
    return {
        "content-security-policy": -20 if unsafe_scripts else 0 if unsafe_styles else 10 if csp["default-src"] == ["'none'"] else 5,
        "cookies": (5 if same_site else 0) if cookies_ok else -40,
        "redirection": 0 if redirect.get("Location", "").startswith("https://testserver/") else -20,
        "referrer-policy": 5 if page.get("Referrer-Policy") in PRIVATE_REFERRER_POLICIES else 0,
        "strict-transport-security": 0 if hsts_age >= SIX_MONTHS else -10 if hsts_age else -20,
        "subresource-integrity": 0 if all(src.startswith("/") and not src.startswith("//") for src in page_scripts(page)) else -50,
        "x-content-type-options": 0 if page.get("X-Content-Type-Options") == "nosniff" else -5,
        "x-frame-options": 5 if csp.get("frame-ancestors") in (["'none'"], ["'self'"]) else 0 if page.get("X-Frame-Options") else -20,
        "cross-origin-resource-policy": 10 if page.get("Cross-Origin-Resource-Policy") in {"same-origin", "same-site"} else 0,
    }  # fmt: skip


def observatory_score(modifiers):
    # Start from 100; bonus points count only for a site that scores at least 90 without them.
    score = 100 + sum(value for value in modifiers.values() if value < 0)
    return score + sum(value for value in modifiers.values() if value > 0) if score >= 90 else score


def test_a_production_page_grades_a_plus_on_the_observatory(production):
    page, redirect = https_get(production, "/"), production.get("/")
    cookies = https_get(production, "/signed-in/").cookies
    assert page_scripts(page), "the home page loads the site's own script"
    modifiers = observatory_modifiers(page, redirect, cookies)
    assert [name for name, value in modifiers.items() if value < 0] == []
    assert observatory_score(modifiers) >= 100  # A+


def test_the_development_configuration_would_not_grade_a_plus(client):
    # The grader can fail: plain HTTP, no HSTS, cookies without Secure.
    modifiers = observatory_modifiers(client.get("/"), client.get("/"), client.get("/signed-in/").cookies)
    assert observatory_score(modifiers) < 100


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_response(server, port, url, seconds=30):
    """The response to GET url once gunicorn accepts connections; None if it stops or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", url, headers={"Host": "news.example"})
            response = connection.getresponse()
            response.read()
            connection.close()
            return response
        except OSError:
            time.sleep(0.3)
    return None


def test_gunicorn_does_not_name_the_server_software(tmp_path):
    port, log = free_port(), tmp_path / "gunicorn.log"
    env = server_env(**PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}")
    command = ["-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with log.open("w") as errors:
        server = subprocess.Popen([sys.executable, *command, "newsportal.wsgi"], cwd=ROOT, env=env, stderr=errors)
    try:
        response = gunicorn_response(server, port, "/healthz")
    finally:
        server.terminate()
        server.wait(timeout=30)
    if response is None:
        if "Address already in use" in log.read_text() or "Permission denied" in log.read_text():
            pytest.skip(f"gunicorn could not bind 127.0.0.1:{port}")
        pytest.fail(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")
    servers = response.headers.get_all("Server") or []
    assert not any("gunicorn" in value.lower() for value in servers), servers
    assert response.status == 200 and response.getheader("Cross-Origin-Resource-Policy") == "same-origin"


def test_gunicorn_listens_on_the_loopback_interface_only_even_with_port_set():
    # gunicorn's own default binds every interface when PORT is set.
    result = run_python("-m", "gunicorn", "-c", "gunicorn.conf.py", "--print-config", "newsportal.wsgi", PORT="8765")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^bind\s+= \['127\.0\.0\.1:8765'\]$", result.stdout, re.MULTILINE)
