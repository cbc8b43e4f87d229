"""Every main page of every role passes axe-core's WCAG 2.1 A/AA rules at 1280 and 375 wide.

axe-core is vendored in tests/e2e/vendor/axe-core/ (never served by the app). The pages' CSP
allows only nonced scripts, so the test does not add a <script> tag: it evaluates axe's source
through the DevTools protocol (page.evaluate), which a page's CSP does not govern; axe only reads.

A violation of impact "serious" or "critical" fails the test, printed with its rule id, help text
and the offending nodes' selectors, all pages at once. `PAGES` is data: role → paths, with
{placeholders} filled from the demo data by `_ids()`; add a new page by adding its path.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# A11Y_STRICT=1 also reports moderate and minor violations and axe's best-practice rules
# (landmarks, heading order): a look-around while fixing pages, not the gate.
if os.environ.get("A11Y_STRICT"):
    TAGS = [*TAGS, "best-practice"]
    FAILING_IMPACTS = {"minor", "moderate", "serious", "critical"}

# Who signs in for each role (accounts/demo.py PEOPLE); None is the anonymous visitor.
PERSONAS: dict[str, str | None] = {
    "anonymous": None,
    "learner": "13800000001",
    "mentor": "13800000002",
    "enterprise_admin": "13800000003",
    "organizer": "13800000004",
    "judge": "13800000005",
    "editor": "13800000006",
    "city_admin": "13800000007",
    "province_admin": "13800000008",
    "visitor_en": None,
}
# Roles whose browser asks for another language (Accept-Language; LocaleMiddleware answers).
LOCALES: dict[str, str] = {"visitor_en": "en-US"}

# role → the main pages that role uses. Placeholders come from `_ids()`.
PAGES: dict[str, list[str]] = {
    "anonymous": [
        "/",
        "/site/news/",
        "{news_url}",
        "/site/cases/",
        "{case_url}",
        "/site/policies/",
        "{policy_url}",
        "/site/search/?q=数字化",
        "/learn/",
        "/contests/",
        "/contests/{contest}/",
        "/contests/{contest}/results/",
        "/talent/",
        "/learn/verify/",
        "/learn/verify/{certificate_code}/",
        "/talent/verify/",
        "/talent/formula/",
        "/contests/board/",
        "/live/{round}/board/",
        "/accounts/login/",
        "/accounts/register/",
    ],
    "learner": [
        "/me/",
        "/calendar/",
        "/accounts/notices/",
        "/accounts/notices/preferences/",
        "/accounts/profile/",
        "/learn/",
        "/learn/courses/{course}/",
        "/learn/courses/{course}/lessons/{lesson}/",
        "/learn/courses/{course}/workstudy/",
        "/learn/quizzes/{quiz}/",
        "/learn/attempts/{attempt}/",
        "/learn/me/",
        "/learn/certificates/{certificate}/",
        "/contests/",
        "/contests/{contest}/",
        "/contests/{contest}/ticket/",
        "/live/{round}/play/",
        "/talent/me/",
    ],
    "mentor": [
        "/me/",
        "/learn/mentor/",
        "/learn/grading/",
    ],
    "enterprise_admin": [
        "/me/",
        "/accounts/people/",
        "/accounts/employment/",
        "/learn/cohorts/new/",
        "/learn/cohorts/{cohort}/",
        "/talent/demands/",
    ],
    "organizer": [
        "/me/",
        "/contests/manage/",
        "/contests/manage/{contest}/",
        "/contests/manage/{contest}/edit/",
        "/contests/manage/{contest}/staff/",
        "/live/manage/contest/{live_contest}/",
        "/live/manage/{round}/",
        "/live/{round}/host/",
        "/live/{round}/screen/",
        "/learn/manage/",
        "/learn/manage/quizzes/1/proctor/",
    ],
    "judge": [
        "/me/",
        "/contests/judge/",
        "/contests/judge/{judge_group}/",
    ],
    "editor": [
        "/me/",
        "/cms-admin/",
        "/cms-admin/pages/{news_parent_id}/",
        "/cms-admin/pages/{news_id}/edit/",
    ],
    "city_admin": [
        "/me/",
        "/talent/dashboard/",
        "/talent/evaluations/",
        "/talent/deletions/",
        "/accounts/people/",
    ],
    "province_admin": [
        "/me/",
        "/talent/dashboard/",
        "/talent/shortlist/",
        "/talent/evaluations/",
        "/accounts/organizations/",
    ],
    # The public pages again in English: lang="en", longer labels, the same contrast.
    "visitor_en": [
        "/",
        "/contests/",
        "/contests/{contest}/",
        "/accounts/login/",
        "/accounts/register/",
    ],
}

# Forms checked again after sending them empty, so the error state is checked too: its messages
# must be tied to their fields (aria-describedby, aria-invalid). role → [(path, form selector)].
SENT_EMPTY: dict[str, list[tuple[str, str]]] = {
    "anonymous": [("/accounts/login/", "main form"), ("/accounts/register/", "main form")],
    "enterprise_admin": [("/learn/cohorts/new/", "main form[method=post]")],
    "organizer": [("/contests/manage/new/", "main form[method=post]")],
}

# Violations in markup this project does not own, each with the reason. Keep this short.
# (rule id, path prefix, text in the node's selector) → why.
EXCLUDED: dict[tuple[str, str, str], str] = {
    # Wagtail's Draftail editor: its contenteditable role="textbox" carries no name of its own;
    # Wagtail labels the hidden input that holds the value (wagtail/admin, Draftail 2).
    ("aria-input-field-name", "/cms-admin/", ".notranslate"): "Wagtail Draftail's editing area",
    # Wagtail's tag field: jQuery tag-it adds an unlabelled <input class="ui-autocomplete-input">
    # beside the labelled hidden input.
    ("label", "/cms-admin/", ".ui-autocomplete-input"): "Wagtail's tag-it input",
}

# A11Y_ROLES=learner,organizer limits a run while fixing pages; the gate runs every role.
ONLY_ROLES = [r for r in os.environ.get("A11Y_ROLES", "").split(",") if r]
# A11Y_SHOTS=1 also saves a screenshot of every page checked (var/test-artifacts/screenshots/a11y-*).
SHOTS = bool(os.environ.get("A11Y_SHOTS"))


def _ids() -> dict[str, Any]:
    """The demo records the page paths point at (and a quiz attempt the learner has open)."""
    from accounts.models import User
    from cms.models import CasePage, NewsPage, PolicyPage
    from competitions.demo import SLUG
    from competitions.live.demo import SLUG as LIVE_SLUG
    from competitions.live.models import LiveRound
    from competitions.models import Contest
    from lms import actions as lms_actions
    from lms.actions import issue_certificate
    from lms.models import Cohort, Enrollment, Quiz
    from lms.progress import lessons_of

    contest = Contest.objects.get(slug=SLUG)
    learner = User.objects.get(mobile=PERSONAS["learner"])
    course = Enrollment.objects.filter(learner=learner).earliest("id").course  # the demo cohort's course
    lessons = lessons_of(course)
    lesson = lessons[min(1, len(lessons) - 1)]
    quiz = Quiz.objects.get(pk=1)
    attempt = lms_actions.start_attempt(quiz, learner)
    certificate = issue_certificate(
        holder=learner,
        kind="course",
        title=f"{course.title} 结业证书",
        issuer_name="齐鲁数字技能培训中心",
        hours=8,
        source="a11y.demo",
        source_id=1,
    )
    news = NewsPage.objects.live().order_by("-date").first()
    case = CasePage.objects.live().first()
    policy = PolicyPage.objects.live().first()
    assert news and case and policy
    return {
        "contest": contest.slug,
        "judge_group": contest.event_groups.order_by("id").first().pk,
        "live_contest": LIVE_SLUG,
        "round": LiveRound.objects.get(title="演示场").pk,
        "course": course.pk,
        "lesson": lesson.pk,
        "quiz": quiz.pk,
        "attempt": attempt.pk,
        "certificate": certificate.number,
        "certificate_code": certificate.verify_code,
        "cohort": Cohort.objects.earliest("id").pk,
        "news_url": news.url,
        "news_id": news.pk,
        "news_parent_id": news.get_parent().pk,
        "case_url": case.url,
        "policy_url": policy.url,
    }


def _axe(page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE + "\n;void 0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target, impact: n.impact, summary: n.failureSummary}))})))",
        TAGS,
    )
    return result


# What axe leaves to "needs review" but a page can be held to: every id is unique, and every id an
# ARIA or label reference names exists (a dangling aria-describedby tells a screen reader nothing).
OWN_CHECKS = """() => {
  const lines = [];
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  if (twice.length) lines.push(`  [serious] duplicate-id: ids used twice: ${twice.join(", ")}`);
  const dangling = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) dangling.push(`${attr}=${id}`);
      }
    }
  }
  if (dangling.length) lines.push(`  [serious] dangling-idref: references to missing ids: ${dangling.join(", ")}`);
  return lines;
}"""


def _excluded(rule: str, path: str, node: dict[str, Any]) -> bool:
    target = json.dumps(node["target"], ensure_ascii=False)
    return any(rule == r and path.startswith(prefix) and text in target for (r, prefix, text) in EXCLUDED)


def _failures(violations: list[dict[str, Any]], path: str) -> list[str]:
    lines = []
    for v in violations:
        nodes = [n for n in v["nodes"] if not _excluded(v["id"], path, n)]
        if v["impact"] not in FAILING_IMPACTS or not nodes:
            continue
        targets = "; ".join(json.dumps(n["target"], ensure_ascii=False) for n in nodes[:8])
        more = f" (+{len(nodes) - 8} more)" if len(nodes) > 8 else ""
        first = " ".join((nodes[0]["summary"] or "").split())
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}\n      nodes: {targets}{more}\n      first: {first}")
    return lines


def _open_menus(page) -> bool:
    """Open the header's menus as a person would: the phone's 菜单 button, the desktop's 管理 menu."""
    opened = False
    button = page.locator(".nav-button")
    if button.is_visible():
        button.click()
        opened = True
    menu = page.locator("details.nav-menu summary")
    if menu.count() and menu.first.is_visible():
        menu.first.click()
        opened = True
    return opened


def test_every_main_page_of_every_role_has_no_serious_accessibility_violations(demo, browser, live_url, shot) -> None:
    ids = _ids()
    report: list[str] = []
    checked = 0

    def check(page, role: str, where: str) -> None:
        nonlocal checked
        path = page.url.removeprefix(live_url)
        lines = _failures(_axe(page), path)
        if not path.startswith("/cms-admin/"):  # Wagtail's markup is its own
            lines += page.evaluate(OWN_CHECKS)
        checked += 1
        if SHOTS:
            shot(page, "a11y-" + re.sub(r"[^\w]+", "-", f"{role} {where}").strip("-"), full_page=False)
        if lines:
            report.append(f"{role} {where} ({page.url}):\n" + "\n".join(lines))

    for role, paths in PAGES.items():
        if ONLY_ROLES and role not in ONLY_ROLES:
            continue
        started = time.monotonic()
        context = browser.new_context(viewport=DESKTOP, locale=LOCALES.get(role, "zh-CN"), base_url=live_url)
        context.set_default_timeout(20_000)
        try:
            page = context.new_page()
            mobile = PERSONAS[role]
            if mobile is not None:
                login(page, mobile, DEMO_PASSWORD)
            for n, template in enumerate(paths):
                path = template.format(**ids)
                for label, size in (("1280", DESKTOP), ("375", PHONE)):
                    page.set_viewport_size(size)
                    response = page.goto(path, wait_until="load")
                    assert response is not None and response.status < 400, (
                        f"{role} {path}: HTTP {response and response.status}"
                    )
                    if role in LOCALES:  # really the other language, not Chinese again
                        assert page.locator("html").get_attribute("lang") == LOCALES[role].split("-")[0]
                    check(page, role, f"{path} @{label}")
                    if n == 0 and _open_menus(page):  # the header's menus, open, once per role and width
                        check(page, role, f"{path} @{label} with the header menu open")
            for path, form in SENT_EMPTY.get(role, []):
                for label, size in (("1280", DESKTOP), ("375", PHONE)):
                    page.set_viewport_size(size)
                    page.goto(path, wait_until="load")
                    with page.expect_navigation(wait_until="load"):
                        page.locator(form).first.evaluate("f => { f.noValidate = true; f.requestSubmit(); }")
                    assert page.locator(".field-error, .form-errors").count(), f"{path}: no errors shown"
                    check(page, role, f"{path} @{label} sent empty")
        finally:
            context.close()
        print(f"{role}: {len(paths)} pages in {time.monotonic() - started:.1f}s")
    assert checked > 0
    assert not report, "axe-core found serious or critical violations:\n" + "\n".join(report)


def test_a_keyboard_reaches_the_main_content_and_scrolls_a_wide_code_block_on_a_phone(demo, new_page) -> None:
    from lms.models import Enrollment
    from lms.progress import lessons_of

    course = Enrollment.objects.filter(learner__mobile=PERSONAS["learner"]).earliest("id").course
    lesson = lessons_of(course)[1]  # 传感器与数据采集: a line of device readings wider than a phone
    page = new_page(PHONE)
    login(page, PERSONAS["learner"], DEMO_PASSWORD)
    page.goto(f"/learn/courses/{course.pk}/lessons/{lesson.pk}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    code = page.locator("pre").first
    assert code.evaluate("el => el.scrollWidth > el.clientWidth")
    for _ in range(40):  # Tab on through the page to the code block, as a keyboard user would
        page.keyboard.press("Tab")
        if code.evaluate("el => el === document.activeElement"):
            break
    assert code.evaluate("el => el === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=code.element_handle())
    # Wider, the rule holds again: a region is in the tab order exactly when it scrolls.
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.wait_for_function(
        "() => [...document.querySelectorAll('pre, .table-wrap')].every("
        "el => (el.scrollWidth > el.clientWidth + 1) === (el.getAttribute('tabindex') === '0'))"
    )
