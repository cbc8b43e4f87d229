"""A judge's sheet is saved all or nothing: one wrong mark stores none of the post, keeps what
was typed in every cell and marks the wrong ones; mark inputs are numeric with bounds."""

from __future__ import annotations

from decimal import Decimal

from competitions.models import Mark


def test_one_wrong_mark_stores_nothing_and_keeps_every_typed_value(client, contestants, judges, scheme, group) -> None:
    client.force_login(judges[1])
    url = f"/contests/judge/{group.pk}/"
    first, second = contestants[0].pk, contestants[1].pk
    measured, judged = scheme["measured"].pk, scheme["judged"].pk
    response = client.post(
        url,
        {
            f"m-{first}-{measured}": "35",
            f"m-{second}-{measured}": "20",
            f"m-{first}-{judged}": "2.5",
            f"m-{second}-{judged}": "9",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert not Mark.objects.filter(judge=judges[1]).exists()  # the valid two are not stored either
    assert f'name="m-{first}-{measured}" id="m-{first}-{measured}" value="35"' in page
    assert f'name="m-{second}-{measured}" id="m-{second}-{measured}" value="20"' in page
    assert f'name="m-{first}-{judged}" id="m-{first}-{judged}" value="2.5"' in page
    assert f'name="m-{second}-{judged}" id="m-{second}-{judged}" value="9"' in page
    assert page.count('aria-invalid="true"') == 2
    assert "评判项只能给 0、1、2、3 分" in page and "应在 0 到 3 之间" in page
    assert "2 个评分有误，本次评分均未保存" in page

    fixed = client.post(
        url,
        {
            f"m-{first}-{measured}": "35",
            f"m-{second}-{measured}": "20",
            f"m-{first}-{judged}": "2",
            f"m-{second}-{judged}": "3",
        },
    )
    assert fixed.status_code == 302
    assert {m.value for m in Mark.objects.filter(judge=judges[1])} == {Decimal(35), Decimal(20), Decimal(2), Decimal(3)}


def test_mark_inputs_are_numeric_with_the_items_bounds(client, contestants, judges, scheme, group) -> None:
    client.force_login(judges[1])
    page = client.get(f"/contests/judge/{group.pk}/").content.decode()
    first = contestants[0].pk
    assert (
        '<input type="number" aria-label="' in page
        and f'name="m-{first}-{scheme["measured"].pk}"' in page
        and 'inputmode="decimal" min="0" max="40.00" step="0.01"' in page
        and 'inputmode="decimal" min="0" max="3" step="1"' in page
    )
