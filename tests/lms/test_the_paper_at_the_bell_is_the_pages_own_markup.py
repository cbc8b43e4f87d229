"""The paper the exam socket sends at the bell is joined from cached pieces; it must be exactly the
markup the attempt page renders for the same fresh attempt (same template, same order, same option
order), in each language, and it must hold no answer key."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from lms import papers
from lms.actions import start_attempt
from lms.models import PaperMode, QuestionType
from tests.lms.conftest import make_question


def _inner(html: str) -> str:
    start = html.index("<div data-exam-root")
    start = html.index(">", start) + 1
    end = (
        html.index("</div>\n\n</main>")
        if "</div>\n\n</main>" in html
        else html.rindex("</div>", 0, html.index("</main>"))
    )
    body = html[start:end]
    body = re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", body)
    return re.sub(r"\s+", " ", body).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("limit", [0, 45])
def test_the_joined_paper_equals_the_rendered_page(learner, quiz_factory, language, limit) -> None:
    questions = [
        make_question(stem="<b>粗体</b> 与 & 符号", options=["<i>甲</i>", "乙 & 丙", "丁", "戊"]),
        make_question(QuestionType.MULTIPLE),
        make_question(QuestionType.TRUE_FALSE),
        make_question(QuestionType.FILL),
        make_question(QuestionType.SHORT),
    ]
    quiz = quiz_factory(questions, mode=PaperMode.FIXED, time_limit_minutes=limit)
    attempt = start_attempt(quiz, learner)
    client = Client()
    client.force_login(learner)
    client.cookies["django_language"] = language
    page = client.get(f"/learn/attempts/{attempt.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    seconds = None
    if limit:
        seconds = int(re.search(r'data-seconds-left="(\d+)"', page).group(1))
    with translation.override(language):
        joined = papers.paper_html(attempt.pk, attempt.paper, papers.pool_for(quiz), seconds, language)
    mine, theirs = _inner(page), re.sub(r"\s+", " ", joined).strip()
    if mine != theirs:
        i = next(k for k in range(min(len(mine), len(theirs))) if mine[k] != theirs[k])
        print("PAGE:", repr(mine[i - 80 : i + 120]))
        print("JOIN:", repr(theirs[i - 80 : i + 120]))
    assert mine == theirs
    assert "&lt;b&gt;粗体&lt;/b&gt; 与 &amp; 符号" in joined  # escaped like the page
    assert "&lt;i&gt;甲&lt;/i&gt;" in joined and "乙 &amp; 丙" in joined
    assert "可编程逻辑控制器" not in joined and "说出两点" not in joined  # keys and rubrics stay home
