"""Browser tests: Playwright driving Debian's Chromium against a live daphne server.

The server is a forked daphne process (channels' DaphneProcess) sharing the test database,
which is a file for this reason. Screenshots go to var/test-artifacts/screenshots/ for people
to look at. A missing Chromium fails the run; it never skips.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium, chromium-driver and fonts-wqy-microhei "
            "(apt-get install chromium chromium-driver fonts-wqy-microhei)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the tests are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_url: str) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies) at desktop or phone size."""
    contexts = []

    def make(size: dict[str, int] = DESKTOP, locale: str = "zh-CN"):
        context = browser.new_context(viewport=size, locale=locale, base_url=live_url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot() -> Callable[[object, str], Path]:
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo data every browser test starts from (cities, organizations, one person per role):
    seeded by the run's first browser test, copied back for the others (tests/snapshots.py)."""
    from tests import snapshots

    snapshots.demo()


def login(page, mobile: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("手机号").fill(mobile)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def assert_fits(page, width: int = 375) -> None:
    """No horizontal scrolling at phone width."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide at {width}px"
