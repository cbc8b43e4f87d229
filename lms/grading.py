"""Normalizing and grading answers to objective questions; shared by quizzes and contests."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

OPTION_LETTERS = "ABCDEF"
_SPACE = re.compile(r"\s+")


def normalize_text(value: Any) -> str:
    """Full-width → half-width (NFKC), spacing collapsed, case folded: 'Ｐ Ｌ Ｃ' == 'plc'."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _SPACE.sub("", text).casefold()


def question_fingerprint(qtype: str, stem: str, options: list[str]) -> str:
    """Identity of a question for de-duplication: same type, stem and options → same question."""
    parts = [qtype, normalize_text(stem), *(normalize_text(o) for o in options or [])]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def grade(qtype: str, answer: Any, response: Any) -> bool | None:
    """True/False for objective questions; None when a person must grade (short, practical).

    Responses: single "B"; multiple ["A","C"] in any order; true/false bool (or "true"/"对");
    fill a list with one string per blank (a bare string for one blank).
    """
    if qtype == "single":
        return isinstance(response, str) and response.strip().upper() == str(answer).upper()
    if qtype == "multiple":
        if not isinstance(response, list | tuple):
            return False
        chosen = {str(r).strip().upper() for r in response}
        return chosen == {str(a).upper() for a in answer or []}
    if qtype == "truefalse":
        return as_bool(response) is not None and as_bool(response) == bool(answer)
    if qtype == "fill":
        blanks = answer or []
        given = [response] if isinstance(response, str) else list(response or [])
        if len(given) != len(blanks):
            return False
        return all(
            normalize_text(g) in {normalize_text(a) for a in accepted}
            for g, accepted in zip(given, blanks, strict=True)
        )
    return None


def as_bool(value: Any) -> bool | None:
    """A true/false response as a bool: True, "true", "对", "√", "是"… → True; False, "false",
    "错", "×", "否"… → False (full-width and case folded); None for anything else."""
    if isinstance(value, bool):
        return value
    text = normalize_text(value)
    if text in ("true", "t", "1", "对", "正确", "√", "是"):
        return True
    if text in ("false", "f", "0", "错", "错误", "×", "否"):
        return False
    return None
