"""django-ninja's 422 answers say what is wrong in the user's language (issue #19, item 10)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_bad_query_value_is_explained_in_chinese_by_default(client) -> None:
    response = client.get("/api/talent/leaderboard", {"n": "abc"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "n"] and error["type"] == "int_parsing"
    assert error["msg"] == "请填写整数。"


def test_a_missing_body_field_is_named(client, learner) -> None:
    client.force_login(learner)
    response = client.post("/api/lms/attempts/1/answers", {}, content_type="application/json")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert {"loc": ["body", "payload", "question"], "type": "missing", "msg": "缺少必填项。"} in detail
