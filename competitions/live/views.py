"""Pages of the live contest: thin; the socket does the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from competitions.live import report as round_report
from competitions.live import selectors
from competitions.live.models import Participant, RoundState
from lms.certificates import url_qr_svg


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    hosting = selectors.rounds_for_host(request.user)
    playing = selectors.rounds_for_player(request.user)
    return render(request, "live/index.html", {"hosting": hosting, "playing": playing})


@login_required
def host(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    live_round = selectors.access_round_for_host(request.user, round_id)
    return render(
        request,
        "live/host.html",
        {
            "round": live_round,
            "joined": Participant.objects.filter(round=live_round, kicked=False).count(),
            "host_rules": {"allowed": selectors.HOST_ACTIONS, "next": selectors.NEXT_STEP},
        },
    )


@login_required
def screen(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """The hall's big screen. The lobby shows the play page's address as text and as a QR code
    (the certificates' SVG helper, white quiet zone on the dark screen) for phones to scan."""
    live_round = selectors.access_round_for_host(request.user, round_id)
    play_url = request.build_absolute_uri(reverse("live:play", args=[live_round.pk]))
    return render(
        request,
        "live/screen.html",
        {
            "round": live_round,
            "play_url": play_url,
            # Markup generated here from our own URL, not from user input.
            "play_qr": mark_safe(url_qr_svg(play_url, white_background=True)),  # noqa: S308
            "joined": Participant.objects.filter(round=live_round, kicked=False).count(),
        },
    )


@login_required
def play(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """The contestant page. An ended round shows that it ended, the person's final rank and score
    and the podium, rendered here (no join form, no socket)."""
    live_round = selectors.access_round(round_id)
    ticket = (
        live_round.contest.registrations.filter(person=request.user, status="approved").select_related("ticket").first()
    )
    ended = live_round.state == RoundState.ENDED
    return render(
        request,
        "live/play.html",
        {
            "round": live_round,
            "ticket": getattr(ticket, "ticket", None),
            "ended": ended,
            "result": selectors.final_result(live_round, request.user) if ended else None,
            "podium": selectors.podium(live_round) if ended else [],
        },
    )


def board(request: HttpRequest, round_id: int) -> HttpResponse:
    """Public spectator view: the published (public) leaderboard, frozen while the round is frozen;
    after the end, the top five's score over the questions."""
    live_round = selectors.access_round(round_id)
    return render(
        request,
        "live/board.html",
        {
            "round": live_round,
            "board": selectors.leaderboard(live_round, public=True),
            "history": selectors.score_history(live_round),
        },
    )


@require_GET
def board_json(request: HttpRequest, round_id: int) -> JsonResponse:
    live_round = selectors.access_round(round_id)
    return JsonResponse(selectors.leaderboard(live_round, public=True).model_dump(mode="json"))


@require_GET
def board_data(request: HttpRequest, round_id: int) -> JsonResponse:
    """What the public board page polls: the round's state, the public leaderboard message and,
    after the end, the score-over-time chart's data (`history`, null before)."""
    live_round = selectors.access_round(round_id)
    return JsonResponse(
        {
            "state": live_round.state,
            "leaderboard": selectors.leaderboard(live_round, public=True).model_dump(mode="json"),
            "history": selectors.score_history(live_round),
        }
    )


def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "live/rules.html")


@login_required
def report(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """The round report for its hosts (404 for anyone else); 导出 Excel goes through the exchange."""
    live_round = round_report.access_report(request.user, round_id)
    return render(request, "live/report.html", {"round": live_round, "report": round_report.round_report(live_round)})
