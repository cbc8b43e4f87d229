"""When a lesson counts as done: pure rules, no database. Applied by lms.progress.

Every lesson has exactly one rule, chosen from its content:

1. **Quiz** — the lesson holds a 随堂测验 block: done when the learner has a passed attempt of
   that quiz (the first quiz block if there are several). Shown as "通过本课测验".
2. **Video** — otherwise, the lesson holds an uploaded video: done when the parts of the video
   actually played cover at least 90 % of its length. The page reports played intervals
   [start, end] in seconds; the server merges them with what it holds, so seeking forward leaves
   a gap that does not count, and replaying a part counts it once. A report may add at most
   twice the server time since the previous report (+5 s), so a script cannot claim an hour in a
   second. Shown as "观看视频 90%".
3. **Reading** — otherwise: done when the end-of-text marker has been seen *and* the learner has
   spent at least the minimum reading time on the page. The minimum is the lesson's text length
   (characters of text, callouts, code and transcripts, whitespace excluded) at 350 characters a
   minute, rounded up to whole minutes, at least 1 minute and at most 20. Time is counted by the
   server from the page's heartbeats: each credits the server time since the previous one, at
   most 30 s, so a tab left in the background does not read. Shown as "阅读到末尾并停留至少 N 分钟".

A lesson opened for a second is therefore never done: reading needs a minute at least, a video
needs its playing, a quiz its passing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import unescape
from typing import Any, Literal

from django.utils.translation import gettext as _

READING_CHARS_PER_MINUTE = 350
READING_MIN_MINUTES = 1
READING_MAX_MINUTES = 20
PING_CREDIT_MAX = 30  # seconds credited by one heartbeat at most
VIDEO_THRESHOLD = 0.9
VIDEO_RATE_MAX = 2.0  # the fastest playback speed the player offers
VIDEO_SLACK_SECONDS = 5.0
VIDEO_DURATION_MAX = 24 * 3600.0
INTERVALS_MAX = 500  # intervals one report may carry

RuleKind = Literal["quiz", "video", "read"]

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class LessonRule:
    kind: RuleKind
    quiz_id: int | None = None
    min_seconds: int = 0

    @property
    def label(self) -> str:
        if self.kind == "quiz":
            return _("通过本课测验")
        if self.kind == "video":
            return _("观看视频 90%")
        return _("阅读到末尾并停留至少 %(n)d 分钟") % {"n": self.min_seconds // 60}


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "source"):  # RichText
        value = value.source
    if isinstance(value, dict) or hasattr(value, "items"):
        return " ".join(_text_of(v) for k, v in value.items() if k not in ("language", "kind", "quiz_id", "url"))
    if isinstance(value, str):
        return unescape(_TAG.sub(" ", value))
    return ""


def text_length(body: Any) -> int:
    """Characters of readable text in a lesson body (StreamField value), whitespace excluded."""
    total = 0
    for block in body or []:
        if block.block_type in ("text", "callout", "code"):
            total += len(_SPACE.sub("", _text_of(block.value)))
        elif block.block_type == "video":
            total += len(_SPACE.sub("", _text_of(block.value.get("transcript"))))
    return total


def reading_minutes(chars: int) -> int:
    minutes = math.ceil(max(chars, 0) / READING_CHARS_PER_MINUTE)
    return min(max(minutes, READING_MIN_MINUTES), READING_MAX_MINUTES)


def rule_for_lesson(body: Any) -> LessonRule:
    """The one completion rule of a lesson, from its content (see the module docstring)."""
    blocks = list(body or [])
    for block in blocks:
        if block.block_type == "quiz" and block.value.get("quiz_id"):
            return LessonRule("quiz", quiz_id=int(block.value["quiz_id"]))
    for block in blocks:
        if block.block_type == "video" and block.value.get("file"):
            return LessonRule("video")
    return LessonRule("read", min_seconds=reading_minutes(text_length(blocks)) * 60)


def merge_intervals(intervals: list[list[float]], duration: float) -> list[list[float]]:
    """Clamp [start, end] pairs to [0, duration], drop empty ones, merge overlapping or touching
    ones (within half a second, the granularity of the player's time updates)."""
    clean = sorted(
        [max(0.0, float(a)), min(float(duration), float(b))]
        for a, b in intervals
        if min(float(duration), float(b)) > max(0.0, float(a))
    )
    merged: list[list[float]] = []
    for start, end in clean:
        if merged and start <= merged[-1][1] + 0.5:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[round(a, 2), round(b, 2)] for a, b in merged]


def covered(intervals: list[list[float]]) -> float:
    return float(sum(b - a for a, b in intervals))
