"""In Chromium, the Content-Security-Policy blocks nothing the platform itself uses: public pages,
a lesson, the live play page (its WebSocket included) and Wagtail's page editor raise no
`securitypolicyviolation` event and log no CSP error (issue #19, item 11)."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any page script and outside the page's policy (Playwright injects it).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watch(page) -> list[str]:
    console: list[str] = []
    page.context.add_init_script(LISTEN)
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return console


def violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations || []"), *console]


def test_public_pages_and_a_lesson_break_no_rule(demo, new_page) -> None:
    from cms.models import LessonPage

    page = new_page()
    console = watch(page)
    for url in ("/", LessonPage.objects.get(slug="python-cleaning").url, "/accounts/login/"):
        response = page.goto(url)
        assert "'nonce-" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.classList.contains('js')")  # the inline script ran
        assert violations(page, console) == [], url
    # The watch itself works: an injected inline script without the nonce is blocked and reported.
    page.evaluate(
        "document.body.append(Object.assign(document.createElement('script'), {textContent: 'window.__ran = 1'}))"
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran") is None


def test_the_live_play_page_connects_its_socket_under_the_policy(demo, new_page) -> None:
    from competitions.live.models import LiveRound
    from competitions.models import Ticket

    live_round = LiveRound.objects.get(title="演示场")
    page = new_page(PHONE)
    console = watch(page)
    login(page, "13800000001", DEMO_PASSWORD)
    page.goto(f"/live/{live_round.pk}/play/")
    ticket = Ticket.objects.get(registration__contest=live_round.contest, registration__person__mobile="13800000001")
    page.get_by_label("访问码").fill(ticket.access_code)
    page.get_by_role("button", name="进入赛场").click()
    page.get_by_text("候场中").wait_for()
    assert violations(page, console) == []


def test_the_wagtail_page_editor_and_image_upload_break_no_rule(demo, new_page) -> None:
    from cms.models import LessonPage

    lesson = LessonPage.objects.get(slug="python-cleaning")
    page = new_page()
    console = watch(page)
    login(page, "13800000006", DEMO_PASSWORD)  # the demo editor
    # (Not the dashboard: the long-lived test server caches the site of an earlier seed.)
    for url in ("/cms-admin/pages/", f"/cms-admin/pages/{lesson.pk}/edit/", "/cms-admin/images/add/"):
        response = page.goto(url)
        assert response.status == 200, url
        assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], url
    # The editor's scripts really run: the page editor's tabs work.
    page.goto(f"/cms-admin/pages/{lesson.pk}/edit/")
    page.wait_for_load_state("networkidle")
    tabs = page.get_by_role("tab")
    assert tabs.count() >= 2
    tabs.nth(1).click()  # only the tabs' script moves the selection
    page.wait_for_function("el => el.getAttribute('aria-selected') === 'true'", arg=tabs.nth(1).element_handle())
    assert tabs.nth(0).get_attribute("aria-selected") != "true"
    assert violations(page, console) == []
