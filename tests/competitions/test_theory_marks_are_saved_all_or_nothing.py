"""The console's manual theory scores are saved all or nothing: one wrong score among four
stores none, keeps what was typed in every input and marks the wrong one."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from competitions.models import TheoryMark


def test_one_wrong_theory_score_among_four_stores_nothing_and_keeps_what_was_typed(
    client, contestants, organizer, contest
) -> None:
    client.force_login(organizer)
    url = reverse("competitions:op", args=[contest.slug, "theory"])
    typed = {f"theory-{r.pk}": score for r, score in zip(contestants, ["88", "76.5", "101", "64"], strict=True)}
    response = client.post(url, typed)

    assert response.status_code == 400
    assert not TheoryMark.objects.exists()
    page = response.content.decode()
    for name, score in typed.items():
        assert f'name="{name}" value="{score}"' in page
    wrong = f"theory-{contestants[2].pk}"
    assert page.count('aria-invalid="true"') == 1 and f'aria-describedby="{wrong}-error"' in page
    assert "理论成绩应在 0 到 100 之间" in page

    typed[wrong] = "100"
    assert client.post(url, typed).status_code == 302
    stored = dict(TheoryMark.objects.values_list("registration_id", "score"))
    assert stored == {
        contestants[0].pk: Decimal("88.00"),
        contestants[1].pk: Decimal("76.50"),
        contestants[2].pk: Decimal("100.00"),
        contestants[3].pk: Decimal("64.00"),
    }


def test_a_score_that_is_not_a_number_stores_nothing(client, contestants, organizer, contest) -> None:
    client.force_login(organizer)
    url = reverse("competitions:op", args=[contest.slug, "theory"])
    response = client.post(url, {f"theory-{contestants[0].pk}": "90", f"theory-{contestants[1].pk}": "九十"})
    assert response.status_code == 400
    assert not TheoryMark.objects.exists()
    assert f'name="theory-{contestants[1].pk}" value="九十"' in response.content.decode()
