"""A board sends every contestant their own standing; the hub writes those frames without the
pydantic model (`events.standing_json`), and what it writes must be what the model writes, for
every kind of row `selectors.standings` gives (no answer yet, right, wrong, fractional points)."""

from __future__ import annotations

import json
import time

import pytest

from competitions.live import events

ROWS = [
    [1, 0.0, 0, None, None],
    [2, 10.0, 1, True, 10.0],
    [3, 27.35, 3, False, 0.0],
    [999, 123456.78, 40, True, 8.33],
    [12, 0.1 + 0.2, 2, True, 0.30000000000000004],
]


@pytest.mark.parametrize("row", ROWS)
def test_the_hand_written_standing_equals_the_models(row) -> None:
    now = time.time()
    rank, score, correct, last_correct, last_points = row
    model = events.Standing(
        seq=41,
        server_time=now,
        rank=rank,
        score=score,
        correct=correct,
        total=1000,
        last_correct=last_correct,
        last_points=last_points,
    )
    written = events.standing_json(41, now, 1000, row)
    assert written == model.model_dump_json()
    assert events.Standing.model_validate(json.loads(written)) == model
