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

import functools
import hashlib
import itertools
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
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


def option_mark(slot: int) -> str:
    """Stands in for the text of the option shown in `slot` (A = 0): one fragment per question
    serves every option order."""
    return f"\x00o{slot}\x00"


MAX_FRAGMENTS = 50_000


@dataclass(frozen=True)
class QuestionView:
    """What a paper shows of one question: never its answer, explanation or rubric."""

    pk: int
    qtype: str
    stem: str
    options: tuple[str, ...]
    shown_options: tuple[str, ...]  # each option's text escaped as the template escapes it
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
    warmed: set[str] = field(default_factory=set)


_pools: dict[int, Pool] = {}
_fragments: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_skeletons: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
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
        shown_options=tuple(conditional_escape(o) for o in options),
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


def warm(quiz: Quiz, lang: str) -> None:
    """Prepare the quiz's pool and render its pieces in `lang` now (the examinees' pages connect
    in the minutes before the bell), so the bell's first papers do not pay for it."""
    pool = pool_for(quiz)
    if lang in pool.warmed:
        return
    _skeleton(lang)
    for view in pool.questions.values():
        _question_pieces(view, lang)
        _nav_pieces(view.pk, lang)
    pool.warmed.add(lang)


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
        count = len(view.options)
        if pool.shuffle_options and view.qtype in CHOICE_TYPES:
            orders = _orders(count)
            perm = list(orders[rng.randrange(len(orders))]) if orders else rng.sample(range(count), count)
        else:
            perm = list(range(count))
        entry: dict[str, Any] = {"q": pk, "perm": perm, "t": view.qtype}
        if view.qtype == QuestionType.FILL:
            entry["n"] = view.blanks
        paper.append(entry)
    return paper


@functools.cache
def _orders(count: int) -> tuple[tuple[int, ...], ...]:
    """Every order of `count` options (up to 6: 720 of them), so a paper's option orders cost one
    random number each; empty for more options (those are shuffled)."""
    return tuple(itertools.permutations(range(count))) if count <= 6 else ()


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


# A rendered piece is kept split at its stand-ins: literal text at even positions, and at odd
# positions what goes there per paper (NUMBER, an option slot 0…, or a skeleton token), so a
# paper is one join of cached strings, with no search and replace over its text.
NUMBER = -1
_MARKS = re.compile("(\x00[^\x00]+\x00|" + ATTEMPT_MARK + "|<!--/nav-->|<!--/questions-->)")
_TOKENS = {NUMBER_MARK: NUMBER, ATTEMPT_MARK: "attempt", SECONDS_MARK: "seconds", CLOCK_MARK: "clock"}
_TOKENS |= {TOTAL_MARK: "total", "<!--/nav-->": "nav", "<!--/questions-->": "questions"}


def _split(html: str) -> tuple[Any, ...]:
    pieces: list[Any] = _MARKS.split(html)
    for i in range(1, len(pieces), 2):
        mark = pieces[i]
        pieces[i] = _TOKENS[mark] if mark in _TOKENS else int(mark[2:-1])  # "\x00o3\x00" → slot 3
    return tuple(pieces)


def _remember(key: tuple[Any, ...], html: str) -> tuple[Any, ...]:
    pieces = _split(html)
    with _lock:
        if len(_fragments) >= MAX_FRAGMENTS:
            _fragments.clear()
        _fragments[key] = pieces
    return pieces


def _question_pieces(view: QuestionView, lang: str) -> tuple[Any, ...]:
    """The question as `lms/_question.html` renders it, split at its number and option texts:
    one cached fragment per question and language serves every option order."""
    key = ("q", view.pk, view.digest, lang)
    pieces = _fragments.get(key)
    return pieces if pieces is not None else _render_question(view, key, lang)


def _render_question(view: QuestionView, key: tuple[Any, ...], lang: str) -> tuple[Any, ...]:
    item = {
        "id": view.pk,
        "number": NUMBER_MARK,
        "qtype": view.qtype,
        "qtype_label": QuestionType(view.qtype).label,
        "stem": view.stem,
        "points": view.points,
        "options": [(OPTION_LETTERS[i], mark_safe(option_mark(i))) for i in range(len(view.options))],  # noqa: S308
        "blanks": [""] * max(view.blanks, 1) if view.qtype == QuestionType.FILL else [],
        "response": None,
        "upload": "",
        "upload_url": "",
        "answered": False,
        "flagged": False,
    }
    with translation.override(lang):
        return _remember(key, render_to_string("lms/_question.html", {"item": item}))


def _nav_pieces(pk: int, lang: str) -> tuple[Any, ...]:
    key = ("n", pk, lang)
    pieces = _fragments.get(key)
    if pieces is not None:
        return pieces
    item = {"id": pk, "number": NUMBER_MARK, "answered": False, "flagged": False}
    with translation.override(lang):
        return _remember(key, render_to_string("lms/_nav_item.html", {"item": item}))


def _skeleton(lang: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """`lms/_paper.html` without questions, split at its stand-ins: with the timer, and without
    it (a quiz with no time limit)."""
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
            timed = render_to_string("lms/_paper.html", context)
            untimed = render_to_string("lms/_paper.html", {**context, "seconds_left": None})
        parts = _skeletons[lang] = (_split(timed), _split(untimed))
    return parts


def paper_html(attempt_id: int, paper: list[dict[str, Any]], pool: Pool, seconds_left: int | None, lang: str) -> str:
    """The learner's paper as `lms/_paper.html` renders it for a fresh attempt (nothing answered
    or flagged yet), joined from cached pieces: the same markup, at a fraction of the cost."""
    timed, untimed = _skeleton(lang)
    seconds = seconds_left or 0
    values = {
        "attempt": str(attempt_id),
        "seconds": str(seconds),
        "clock": f"{seconds // 60:02d}:{seconds % 60:02d}",
        "total": str(len(paper)),
    }
    nav: list[str] = []
    questions: list[str] = []
    for number, entry in enumerate(paper, start=1):
        view = pool.questions.get(entry["q"])
        if view is None:  # drawn before an edit removed it from the pool: rendered on its own
            view = _view(Question.objects.get(pk=entry["q"]))
        shown = str(number)
        pieces = _nav_pieces(view.pk, lang)
        for i, piece in enumerate(pieces):
            nav.append(shown if i & 1 else piece)
        perm, texts = entry["perm"], view.shown_options
        for i, piece in enumerate(_question_pieces(view, lang)):
            if not i & 1:
                questions.append(piece)
            else:
                questions.append(shown if piece == NUMBER else texts[perm[piece]])
    out: list[str] = []
    for i, piece in enumerate(timed if seconds_left is not None else untimed):
        if not i & 1:
            out.append(piece)
        elif piece == "nav":
            out.extend(nav)
            out.append("<!--/nav-->")
        elif piece == "questions":
            out.extend(questions)
            out.append("<!--/questions-->")
        else:
            out.append(values[piece])
    return "".join(out)
