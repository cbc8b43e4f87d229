"""A 10,000-character clarification is refused with its length, not silently cut to 2,000
(issue #19, item 10); the same for appeals and the jury's answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from competitions import actions
from competitions.models import Clarification

pytestmark = pytest.mark.django_db


def test_the_clarification_page_refuses_10000_characters(client, contest, contestants) -> None:
    client.force_login(contestants[0].person)
    response = client.post(reverse("competitions:ask", args=[contest.slug]), {"question": "问" * 10_000}, follow=True)
    assert "问题最多 2000 字（当前 10000 字）" in response.content.decode()
    assert not Clarification.objects.exists()


def test_the_action_refuses_instead_of_cutting(contest, contestants, organizer) -> None:
    with pytest.raises(ValidationError, match="当前 2001 字"):
        actions.ask_clarification(contest, actor=contestants[0].person, question="问" * 2001)
    kept = actions.ask_clarification(contest, actor=contestants[0].person, question="问" * 2000)
    assert len(kept.question) == 2000
    with pytest.raises(ValidationError, match="答复最多 4000 字"):
        actions.answer_clarification(kept, actor=organizer, answer="答" * 4001, to_all=False)
