"""JSON API for leaderboards and a person's own index (mounted at /api/talent/)."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.security import django_auth

from accounts.http import signed_in_user
from talent import boards, selectors

router = Router(tags=["talent"])


class BoardEntryOut(Schema):
    rank: int
    index: float
    name: str
    city: str
    level: str
    person_id: int | None


class BoardOut(Schema):
    board: str
    label: str
    entries: list[BoardEntryOut]


class MyRankOut(Schema):
    board: str
    rank: int
    size: int
    index: float


class IndexOut(Schema):
    index: float
    components: dict[str, float]
    items: list[dict[str, object]]


# Encoded top lists per (board, n, language), valid while the board's shared version (moved by every
# change of its top set and by consents, see `boards.RedisBoards.version`) is unchanged; the age
# limit bounds how long a renamed person or city shows the old name. Keyed by a version shared
# through Redis, so every process agrees; without Redis nothing is cached.
_TOP_CACHE: OrderedDict[tuple[str, int, str], tuple[bytes | str, float, bytes, frozenset[int]]] = OrderedDict()
TOP_CACHE_ENTRIES = 512
TOP_CACHE_SECONDS = 30.0
_lock = threading.Lock()


def _encode_top(board: str, n: int, viewer: Any) -> tuple[bytes, frozenset[int]]:
    rows = selectors.leaderboard(board, n, viewer)
    # Encoded directly (the shape is BoardOut): validating 100 pydantic models per request cost
    # more than reading the board.
    body = {
        "board": board,
        "label": selectors.board_label(board),
        "entries": [
            {
                "rank": r.rank,
                "index": r.index,
                "name": r.name,
                "city": r.city,
                "level": r.level,
                "person_id": r.person_id,
            }
            for r in rows
        ],
    }
    hidden = frozenset(r.entry_id for r in rows if not r.public)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), hidden


def top_json(board: str, n: int, viewer: Any) -> bytes:
    """The encoded top n of a board as `viewer` sees it. The cached body is the one everybody
    sees; a signed-in person who is on it anonymized gets a body of their own (their own name)."""
    version = boards.backend().version(board)
    if version is None:
        return _encode_top(board, n, viewer)[0]
    key = (board, n, get_language() or "")  # labels (board, level) are translated
    now = time.monotonic()
    found = _TOP_CACHE.get(key)
    if found is None or found[0] != version or found[1] < now:
        body, hidden = _encode_top(board, n, None)
        found = (version, now + TOP_CACHE_SECONDS, body, hidden)
        with _lock:
            _TOP_CACHE[key] = found
            _TOP_CACHE.move_to_end(key)
            while len(_TOP_CACHE) > TOP_CACHE_ENTRIES:
                _TOP_CACHE.popitem(last=False)
    if found[3] and getattr(viewer, "is_authenticated", False) and viewer.pk in found[3]:
        return _encode_top(board, n, viewer)[0]
    return found[2]


@router.get("/leaderboard", response=BoardOut, summary="Top N of a leaderboard (anonymized without consent)")
def leaderboard(request: HttpRequest, board: str = "province", n: int = 100) -> HttpResponse:
    board = selectors.valid_board(board)
    return HttpResponse(top_json(board, min(max(n, 1), 100), request.user), content_type="application/json")


@router.get("/leaderboard/me", response=MyRankOut, auth=django_auth, summary="My rank on a leaderboard")
def my_rank(request: HttpRequest, board: str = "province") -> HttpResponse:
    board = selectors.valid_board(board)
    found = selectors.my_rank(signed_in_user(request), board)
    if found is None:
        raise Http404
    rank, size, index = found
    return JsonResponse({"board": board, "rank": rank, "size": size, "index": index})


@router.get("/index/me", response=IndexOut, auth=django_auth, summary="My talent index and its breakdown")
def my_index(request: HttpRequest) -> IndexOut:
    index, components, items = selectors.breakdown(signed_in_user(request))
    return IndexOut(
        index=index,
        components=components,
        items=[{"kind": i.kind, "title": i.title, "points": i.points, "rule": i.rule} for i in items],
    )
