"""Publishing results asks for a confirmation first: the console's button shows what will be
published (who took part, who is 缺考, the awards) and only a second POST with confirm=1
publishes; no JavaScript needed (issue #14 item 6)."""

from __future__ import annotations

from competitions import actions, selectors
from competitions.models import ContestRules


def test_the_publish_button_shows_a_summary_and_publishes_only_on_confirmation(
    client, approved, make_person, contest, organizer
) -> None:
    people = [make_person(name=f"选手{i}") for i in range(3)]
    registrations = [approved(p) for p in people]
    actions.set_theory_mark(registrations[0], actor=organizer, score="90")
    actions.set_theory_mark(registrations[1], actor=organizer, score="80")
    client.force_login(organizer)
    url = f"/contests/manage/{contest.slug}/do/publish/"

    page = client.post(url).content.decode()

    assert selectors.rules_for(contest).results_published_at is None
    assert "确认公布" in page and 'name="confirm" value="1"' in page
    assert "<td>工业互联网运维</td><td>2</td><td>1</td>" in page  # two ranked, one 缺考
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert ContestRules.objects.get(contest=contest).results_published_at is not None
