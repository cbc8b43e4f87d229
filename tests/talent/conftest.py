from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from talent import boards
from talent.actions import record_achievement
from talent.models import AchievementKind

_ids = itertools.count(1)


@pytest.fixture
def award() -> Callable[..., object]:
    """Record a contest award for a person straight into the ledger, as the contests app does."""

    def make(person, contest_level: str = "province", placing: str = "first", domain: str = "industrial_internet"):
        return record_achievement(
            person=person,
            kind=AchievementKind.CONTEST_AWARD,
            source="competitions.award",
            source_id=next(_ids),
            title=f"{contest_level} {placing}",
            data={"contest_level": contest_level, "award": placing, "domain": domain},
        )

    return make


@pytest.fixture
def certificate() -> Callable[..., object]:
    def make(person, domain: str = "data_analysis"):
        return record_achievement(
            person=person,
            kind=AchievementKind.CERTIFICATE,
            source="lms.certificate",
            source_id=next(_ids),
            title="数据分析证书",
            data={"domain": domain},
        )

    return make


@pytest.fixture(autouse=True)
def _boards_in_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Boards live in the database unless a test asks for Redis: Redis keys outlive each test's
    rolled-back transaction, so a shared Redis (the CI's PostgreSQL + Redis pass) would carry
    one test's people into the next."""
    monkeypatch.setattr(boards, "backend", boards.DbBoards)


@pytest.fixture
def redis_boards(monkeypatch: pytest.MonkeyPatch) -> Iterator[boards.RedisBoards]:
    """Redis-backed boards under a throwaway key prefix, used by the ledger hook too."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    backend = boards.RedisBoards(url, f"test-talent-{uuid.uuid4().hex[:8]}")
    monkeypatch.setattr(boards, "backend", lambda: backend)
    yield backend
    for key in backend.client.scan_iter(f"{backend.prefix}:*"):
        backend.client.delete(key)


@pytest.fixture
def db_boards(monkeypatch: pytest.MonkeyPatch) -> boards.DbBoards:
    backend = boards.DbBoards()
    monkeypatch.setattr(boards, "backend", lambda: backend)
    return backend
