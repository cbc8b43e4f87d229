"""Demo content for the CMS (called by `manage.py seed_demo`). Idempotent: pages by slug,
images by title; existing pages are left as editors may have changed them."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.utils.html import strip_tags
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.models import Page

from accounts.choices import Role
from accounts.models import Organization, Region, User
from cms import actions
from cms.demo_content import CASES, CITY_NEWS, COURSES, NEWS, POLICIES
from cms.models import (
    CaseIndexPage,
    CasePage,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    NewsIndexPage,
    NewsPage,
    PolicyIndexPage,
    PolicyPage,
)

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
PALETTE = [(21, 94, 160), (14, 116, 92), (150, 64, 20), (88, 60, 150), (160, 32, 64), (30, 110, 140)]


def _font(size: int) -> Any:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def cover_image(title: str, label: str, color: tuple[int, int, int]) -> Image:
    """A generated 1200x630 cover (gradient, grid, wrapped title); reused by title."""
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    width, height = 1200, 630
    img = PILImage.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(img)
    for y in range(height):  # vertical gradient towards a darker shade
        shade = tuple(int(c * (1 - 0.45 * y / height)) for c in color)
        draw.line([(0, y), (width, y)], fill=shade)
    for x in range(0, width, 60):
        draw.line([(x, 0), (x + 300, height)], fill=tuple(min(c + 25, 255) for c in color), width=1)
    draw.rounded_rectangle([60, 60, 60 + 24 * len(label) + 40, 110], radius=20, fill=(255, 255, 255))
    draw.text((80, 68), label, font=_font(26), fill=color)
    font = _font(58)
    lines: list[str] = []
    line = ""
    for char in title:
        if draw.textlength(line + char, font=font) > width - 140:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    for index, text in enumerate(lines[:4]):
        draw.text((70, 180 + index * 80), text, font=font, fill=(255, 255, 255))
    draw.text((70, height - 80), "数智英才 · 数字技能人才培育平台", font=_font(28), fill=(230, 238, 248))
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"cover-{abs(hash(title)) % 10**8}.png"))


def _child(parent: Page, model: type[Page], slug: str) -> Page | None:
    return model.objects.child_of(parent).filter(slug=slug).first()


def _section(home: Page, model: type[Page], slug: str, title: str, intro: str) -> Any:
    page = _child(home, model, slug)
    if page is None:
        page = actions.publish(home, model(title=title, slug=slug, intro=intro))
    return page


def seed(command: BaseCommand) -> None:
    home = actions.ensure_site()
    actions.ensure_editorial()
    courses = _seed_courses(home)
    news_index = _section(
        home, NewsIndexPage, "news", "新闻动态", "<p>专项行动的通知公告、工作动态、赛事资讯和媒体报道。</p>"
    )
    for index, (slug, title, category, date, source, summary, body, tags) in enumerate(NEWS):
        if _child(news_index, NewsPage, slug):
            continue
        page = NewsPage(title=title, slug=slug, category=category, date=date, source=source, summary=summary, body=body,
                        cover=cover_image(title, "新闻", PALETTE[index % len(PALETTE)]), cover_alt=f"封面：{title}")  # fmt: skip
        page.tags.add(*tags)
        actions.publish(news_index, page)
    case_index = _section(
        home,
        CaseIndexPage,
        "cases",
        "典型案例",
        "<p>各市中小企业培育数字技能人才、推进数智化升级的典型做法与成效。</p>",
    )
    for index, case in enumerate(CASES):
        if _child(case_index, CasePage, case["slug"]):
            continue
        org = Organization.objects.filter(name=case["org"]).first()
        page = CasePage(
            title=case["title"], slug=case["slug"], organization=org, enterprise_name=case["org"],
            city=Region.objects.get(code=case["city"]), industry=case["industry"], job_group=case["job_group"],
            summary=case["summary"], challenge=case["challenge"], solution=case["solution"],
            training=case["training"], work_study=case["work_study"],
            cover=cover_image(case["title"], "典型案例", PALETTE[index % len(PALETTE)]),
            results=[("result", {"metric": m, "before": Decimal(str(b)), "after": Decimal(str(a)), "unit": u})
                     for m, b, a, u in case["results"]],
            related_contests=[("contest", {"title": "2026年全省中小企业数字技能大赛", "url": "/contests/"})],
        )  # fmt: skip
        page.tags.add(*case["tags"])
        related = [c for c in courses if c.audience_tracks and c.audience_tracks[0] == case["job_group"]]
        page.related_courses.set(related)
        actions.publish(case_index, page)
    policy_index = _section(
        home, PolicyIndexPage, "policies", "政策文件", "<p>与数字技能人才培育和中小企业数字化转型相关的政策文件。</p>"
    )
    for policy in POLICIES:
        if _child(policy_index, PolicyPage, str(policy["slug"])):
            continue
        actions.publish(
            policy_index,
            PolicyPage(title=policy["title"], slug=policy["slug"], authority=policy["authority"],
                       document_number=policy["number"], issued_on=policy["issued"], effective_on=policy["effective"],
                       expires_on=policy["expires"], summary=policy["summary"], body=policy["body"]),
        )  # fmt: skip
    _seed_city_editors()
    _seed_page_in_review(news_index)
    count = actions.rebuild_search_index()
    command.stdout.write(f"cms: home, {len(courses)} courses, {len(NEWS)} news, {len(CASES)} cases, "
                         f"{len(POLICIES)} policies, {count} searchable pages")  # fmt: skip


def _seed_page_in_review(news_index: Page) -> None:
    """A news draft the demo editor submitted for review, so her home (/me/) shows it waiting
    and the province admin (a moderator) has a page to approve. Idempotent."""
    from accounts.demo import PEOPLE

    editor = User.objects.filter(mobile=next(p[0] for p in PEOPLE if p[2] == Role.EDITOR)).first()
    if editor is None or _child(news_index, NewsPage, IN_REVIEW_SLUG) is not None:
        return
    _slug, _title, category, date, source, summary, body, _tags = NEWS[0]
    title = "我省启动2026年度数字技能人才培育“百企千人”行动（待审）"
    page = NewsPage(title=title, slug=IN_REVIEW_SLUG, category=category, date=date, source=source, summary=summary,
                    body=body, owner=editor, live=False, cover_alt="")  # fmt: skip
    news_index.add_child(instance=page)
    page.save_revision(user=editor)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, editor)


IN_REVIEW_SLUG = "demo-news-in-review"


def _seed_city_editors() -> None:
    """The demo's city-limited editor: 淄博's sections, limited by the province admin, and one
    news item in 淄博's own news section (shown in the main list too)."""
    from accounts.demo import CITY_EDITORS, PEOPLE

    admin = User.objects.filter(mobile=next(p[0] for p in PEOPLE if p[2] == Role.PROVINCE_ADMIN)).first()
    for mobile, code in CITY_EDITORS.items():
        editor = User.objects.filter(mobile=mobile).first()
        city = Region.objects.get(code=code)
        if editor is None or admin is None:
            continue
        if [c.code for c in actions.editorial_cities(editor)] != [code]:
            actions.set_city_limit(admin, editor, city, reason="演示：负责本市新闻和典型案例栏目")
        sections = actions.ensure_city_sections(city)
        slug, title, category, date, source, summary, body, tags = CITY_NEWS[code]
        if _child(sections.news, NewsPage, slug) is None:
            page = NewsPage(title=title, slug=slug, category=category, date=date, source=source, summary=summary,
                            body=body, owner=editor, cover=cover_image(title, "新闻", PALETTE[1]), cover_alt=f"封面：{title}")  # fmt: skip
            page.tags.add(*tags)
            actions.publish(sections.news, page)  # the seed publishes; city editors go through review


def _seed_courses(home: Page) -> list[CoursePage]:
    index = _section(
        home, CourseIndexPage, "courses", "课程", "<p>面向一线操作人员、技术骨干和管理人员的数字技能课程。</p>"
    )
    result: list[CoursePage] = []
    for spec in COURSES:
        course = _child(index, CoursePage, spec["slug"])
        if course is None:
            course = actions.publish(
                index,
                CoursePage(
                    title=spec["title"], slug=spec["slug"], summary=spec["summary"], audience_tracks=[spec["track"]],
                    skill_domain=spec["domain"], level=spec["level"], hours=Decimal(str(spec["hours"])),
                    outline=spec["outline"], cover=cover_image(spec["title"], "课程", spec["color"]),
                    outcomes=[("outcome", {"text": text}) for text in spec["outcomes"]],
                ),
            )  # fmt: skip
        for slug, title, minutes, body in spec["lessons"]:
            if _child(course, LessonPage, slug) is None:
                first_text = next((value for kind, value in body if kind == "text"), "")
                summary = strip_tags(first_text).split("。")[0][:120] + "。"
                actions.publish(
                    course, LessonPage(title=title, slug=slug, summary=summary, duration_minutes=minutes, body=body)
                )
        result.append(course.specific)
    return result
