"""A judge's invalid mark keeps what was typed and marks the wrong cell; the valid marks of the
same post are saved; mark inputs are numeric with bounds (issue #14 item 6)."""

from __future__ import annotations

from decimal import Decimal

from competitions.models import Mark


def test_an_invalid_mark_is_kept_and_marked_while_the_valid_ones_are_saved(
    client, contestants, judges, scheme, group
) -> None:
    client.force_login(judges[1])
    url = f"/contests/judge/{group.pk}/"
    first, second = contestants[0].pk, contestants[1].pk
    measured, judged = scheme["measured"].pk, scheme["judged"].pk
    response = client.post(
        url, {f"m-{first}-{measured}": "35", f"m-{first}-{judged}": "2.5", f"m-{second}-{judged}": "9"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert Mark.objects.get(judge=judges[1]).value == Decimal(35)  # the valid one is saved
    assert f'name="m-{first}-{judged}" id="m-{first}-{judged}" value="2.5"' in page
    assert f'name="m-{second}-{judged}" id="m-{second}-{judged}" value="9"' in page
    assert page.count('aria-invalid="true"') == 2
    assert "评判项只能给 0、1、2、3 分" in page and "已保存 1 个评分" in page
    assert "2 个评分有误" in page


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
