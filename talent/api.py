"""JSON API for leaderboards and a person's own index (mounted at /api/talent/)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from ninja.security import django_auth

from talent import selectors

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


@router.get("/leaderboard", response=BoardOut, summary="Top N of a leaderboard (anonymized without consent)")
def leaderboard(request: HttpRequest, board: str = "province", n: int = 100) -> HttpResponse:
    board = selectors.valid_board(board)
    rows = selectors.leaderboard(board, min(max(n, 1), 100), request.user)
    # Serialized directly (the shape is BoardOut): validating 100 pydantic models per request
    # cost more than reading the board.
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
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@router.get("/leaderboard/me", response=MyRankOut, auth=django_auth, summary="My rank on a leaderboard")
def my_rank(request: HttpRequest, board: str = "province") -> MyRankOut:
    board = selectors.valid_board(board)
    found = selectors.my_rank(request.auth, board)
    if found is None:
        raise Http404
    rank, size, index = found
    return MyRankOut(board=board, rank=rank, size=size, index=index)


@router.get("/index/me", response=IndexOut, auth=django_auth, summary="My talent index and its breakdown")
def my_index(request: HttpRequest) -> IndexOut:
    index, components, items = selectors.breakdown(request.auth)
    return IndexOut(
        index=index,
        components=components,
        items=[{"kind": i.kind, "title": i.title, "points": i.points, "rule": i.rule} for i in items],
    )
