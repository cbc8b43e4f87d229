"""Exam papers at the bell: what every paper of a quiz is made of, prepared once per process.

A sitting of two thousand examinees opens the same quiz in the same second. Everything their
papers share is prepared once per process and kept for PAPER_CACHE_SECONDS: the quiz's question
pool (its fixed list, or each draw rule's candidates) with each question's display data, and the
HTML of each question for each option order and language, rendered by the same
`lms/_question.html` the server-rendered paper uses. A learner's own paper then costs a draw from
the cached pool (pure Python: their own questions, order and option order) and the page is joined
from cached pieces. Answer keys never enter the cache: it holds stems, options, points and the
number of blanks, nothing else; grading reads keys from the database.

An edit to a question or a draw rule reaches new papers within PAPER_CACHE_SECONDS (papers already
drawn keep what they were drawn with, as before); the quiz row itself (its window, time limit and
rules) is read fresh for every batch of papers opened.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lms.grading import OPTION_LETTERS
from lms.models import PaperMode, Question, QuestionType, Quiz

CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)
# Stand-ins rendered into the shared pieces and replaced per paper. Digits for the attempt id (it
# goes through `{% url %}`), NUL-delimited text for the rest (no stem or option holds a NUL:
# config.bad_input refuses them on the way in, and the pieces hold template text only).
ATTEMPT_MARK = "4611686018427387903"
NUMBER_MARK = "\x00n\x00"
SECONDS_MARK = "\x00s\x00"
CLOCK_MARK = "\x00c\x00"
TOTAL_MARK = "\x00t\x00"
MAX_FRAGMENTS = 50_000


@dataclass(frozen=True)
class QuestionView:
    """What a paper shows of one question: never its answer, explanation or rubric."""

    pk: int
    qtype: str
    stem: str
    options: tuple[str, ...]
    points: Decimal
    blanks: int
    digest: str  # changes when anything shown changes: the key of its rendered fragments


@dataclass
class Pool:
    key: tuple[Any, ...]
    built: float
    mode: str
    shuffle_options: bool
    fixed: list[int] = field(default_factory=list)
    rules: list[tuple[int, list[int]]] = field(default_factory=list)  # (count, candidate ids), narrowest first
    questions: dict[int, QuestionView] = field(default_factory=dict)


_pools: dict[int, Pool] = {}
_fragments: dict[tuple[Any, ...], str] = {}
_skeletons: dict[str, tuple[str, str, str]] = {}
_lock = threading.Lock()


def _pool_key(quiz: Quiz) -> tuple[Any, ...]:
    return (quiz.mode, json.dumps(quiz.draw_rules or [], sort_keys=True, default=str), quiz.shuffle_options)


def _view(question: Question) -> QuestionView:
    options = tuple(str(o) for o in (question.options or []))
    blanks = len(question.answer or []) if question.qtype == QuestionType.FILL else 0
    shown = json.dumps([question.qtype, question.stem, options, str(question.points), blanks], ensure_ascii=False)
    return QuestionView(
        pk=question.pk,
        qtype=question.qtype,
        stem=question.stem,
        options=options,
        points=question.points,
        blanks=blanks,
        digest=hashlib.blake2b(shown.encode(), digest_size=8).hexdigest(),
    )


def rule_candidates(rule: dict[str, Any]) -> set[int]:
    """Ids of the active bank questions a draw rule may pick from."""
    qs = Question.objects.filter(is_active=True)
    for key in ("domain", "level", "knowledge_point", "qtype"):
        if rule.get(key):
            qs = qs.filter(**{key: rule[key]})
    if rule.get("difficulty"):
        qs = qs.filter(difficulty=int(rule["difficulty"]))
    if rule.get("tag"):
        qs = qs.filter(tags__name=rule["tag"])
    return set(qs.values_list("pk", flat=True))


def _build(quiz: Quiz) -> Pool:
    pool = Pool(key=_pool_key(quiz), built=time.monotonic(), mode=quiz.mode, shuffle_options=quiz.shuffle_options)
    if quiz.mode == PaperMode.FIXED:
        pool.fixed = list(
            quiz.items.filter(question__is_active=True).order_by("order", "pk").values_list("question_id", flat=True)
        )
        wanted: set[int] = set(pool.fixed)
    else:
        rules = [(int(rule.get("count", 0)), sorted(rule_candidates(rule))) for rule in quiz.draw_rules or []]
        pool.rules = sorted(rules, key=lambda rule: len(rule[1]))
        wanted = {pk for _count, ids in rules for pk in ids}
    fields = ("pk", "qtype", "stem", "options", "points", "answer")
    pool.questions = {q.pk: _view(q) for q in Question.objects.filter(pk__in=wanted).only(*fields)}
    return pool


def pool_for(quiz: Quiz) -> Pool:
    """The quiz's question pool, from this process's copy when it is fresh and matches the quiz
    row just read (its mode, rules and option shuffling)."""
    pool = _pools.get(quiz.pk)
    if pool is None or pool.key != _pool_key(quiz) or time.monotonic() - pool.built > settings.PAPER_CACHE_SECONDS:
        pool = _build(quiz)
        _pools[quiz.pk] = pool
    return pool


def forget(quiz_id: int | None = None) -> None:
    """Drop this process's prepared pools (one quiz's, or all): an edit made here shows at once."""
    if quiz_id is None:
        _pools.clear()
    else:
        _pools.pop(quiz_id, None)


def draw(pool: Pool, rng: random.Random) -> list[dict[str, Any]]:
    """A new paper: the fixed list in order, or per rule (narrowest first) a random sample not
    taken by an earlier rule, the whole paper shuffled; options shuffled per question when the
    quiz says so. Overlapping rules that collide are drawn again a few times before the paper is
    refused. Each entry freezes the question's shape ("t" type, "n" blanks), so a save validates
    a response without reading the question again."""
    ids = [pk for pk in pool.fixed if pk in pool.questions] if pool.mode == PaperMode.FIXED else _draw_rules(pool, rng)
    if not ids:
        raise ValidationError(_("该测验还没有试题，请联系课程管理员。"))
    paper = []
    for pk in ids:
        view = pool.questions[pk]
        perm = list(range(len(view.options)))
        if pool.shuffle_options and view.qtype in CHOICE_TYPES:
            rng.shuffle(perm)
        entry: dict[str, Any] = {"q": pk, "perm": perm, "t": view.qtype}
        if view.qtype == QuestionType.FILL:
            entry["n"] = view.blanks
        paper.append(entry)
    return paper


def _draw_rules(pool: Pool, rng: random.Random) -> list[int]:
    shortfall = (0, 0)
    for _try in range(5):
        seen: set[int] = set()
        picked: list[int] = []
        for count, candidates in pool.rules:
            available = [pk for pk in candidates if pk not in seen]
            if len(available) < count:
                shortfall = (count, len(available))
                break
            chosen = rng.sample(available, count)
            seen.update(chosen)
            picked.extend(chosen)
        else:
            rng.shuffle(picked)
            return picked
    raise ValidationError(
        _("题库中符合抽题规则的试题不足（需要 %(n)d 道，现有 %(m)d 道）。") % {"n": shortfall[0], "m": shortfall[1]}
    )


# --- The page, joined from pieces ----------------------------------------------------------------


def _remember(key: tuple[Any, ...], html: str) -> str:
    with _lock:
        if len(_fragments) >= MAX_FRAGMENTS:
            _fragments.clear()
        _fragments[key] = html
    return html


def _question_html(view: QuestionView, perm: tuple[int, ...], lang: str) -> str:
    key = ("q", view.pk, view.digest, perm, lang)
    html = _fragments.get(key)
    if html is not None:
        return html
    item = {
        "id": view.pk,
        "number": NUMBER_MARK,
        "qtype": view.qtype,
        "qtype_label": QuestionType(view.qtype).label,
        "stem": view.stem,
        "points": view.points,
        "options": [(OPTION_LETTERS[i], view.options[j]) for i, j in enumerate(perm)],
        "blanks": [""] * max(view.blanks, 1) if view.qtype == QuestionType.FILL else [],
        "response": None,
        "upload": "",
        "upload_url": "",
        "answered": False,
        "flagged": False,
    }
    with translation.override(lang):
        return _remember(key, render_to_string("lms/_question.html", {"item": item}))


def _nav_html(pk: int, lang: str) -> str:
    key = ("n", pk, lang)
    html = _fragments.get(key)
    if html is not None:
        return html
    item = {"id": pk, "number": NUMBER_MARK, "answered": False, "flagged": False}
    with translation.override(lang):
        return _remember(key, render_to_string("lms/_nav_item.html", {"item": item}))


def _skeleton(lang: str) -> tuple[str, str, str]:
    parts = _skeletons.get(lang)
    if parts is None:
        context = {
            "attempt": {"pk": ATTEMPT_MARK},
            "seconds_left": SECONDS_MARK,
            "time_left": CLOCK_MARK,
            "paper_total": TOTAL_MARK,
            "answered_count": 0,
            "items": [],
        }
        with translation.override(lang):
            html = render_to_string("lms/_paper.html", context)
        head, rest = html.split("<!--/nav-->", 1)
        middle, tail = rest.split("<!--/questions-->", 1)
        parts = _skeletons[lang] = (head, middle, tail)
    return parts


def paper_html(attempt_id: int, paper: list[dict[str, Any]], pool: Pool, seconds_left: int | None, lang: str) -> str:
    """The learner's paper as `lms/_paper.html` renders it for a fresh attempt (nothing answered
    or flagged yet), joined from cached pieces: the same markup, at a fraction of the cost."""
    head, middle, tail = _skeleton(lang)
    if seconds_left is None:
        # The skeleton carries the timer; a paper without a time limit has none.
        head = head[head.index('<div class="exam-layout">') :]
    nav: list[str] = []
    questions: list[str] = []
    for number, entry in enumerate(paper, start=1):
        view = pool.questions.get(entry["q"])
        if view is None:  # drawn before an edit removed it from the pool: rendered on its own
            view = _view(Question.objects.get(pk=entry["q"]))
        mark = str(number)
        nav.append(_nav_html(view.pk, lang).replace(NUMBER_MARK, mark))
        questions.append(_question_html(view, tuple(entry["perm"]), lang).replace(NUMBER_MARK, mark))
    seconds = seconds_left or 0
    page = "".join((head, *nav, "<!--/nav-->", middle, *questions, "<!--/questions-->", tail))
    return (
        page.replace(ATTEMPT_MARK, str(attempt_id))
        .replace(SECONDS_MARK, str(seconds))
        .replace(CLOCK_MARK, f"{seconds // 60:02d}:{seconds % 60:02d}")
        .replace(TOTAL_MARK, str(len(paper)))
    )
