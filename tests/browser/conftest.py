"""Playwright on Debian's /usr/bin/chromium (never a downloaded browser).

Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls
from the test body; the live server runs in its own thread, so allowing them here is safe.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 800}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason="/usr/bin/chromium is not installed (apt-get install -y chromium fonts-wqy-microhei)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(live_server):
    """The live server's address, with the demo content loaded (tests need django_db(transaction=True))."""
    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def phone(page):
    """`page` at a 360x800 phone's size."""
    page.set_viewport_size(PHONE)
    return page
