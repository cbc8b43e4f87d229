"""Pages of the live contest: thin; the socket does the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from competitions.live import report as round_report
from competitions.live import selectors
from competitions.live.models import LiveRound, Participant


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    hosting = selectors.rounds_for_host(request.user)
    playing = list(
        LiveRound.objects.filter(
            contest__registrations__person=request.user, contest__registrations__status="approved"
        ).select_related("contest")
    )
    return render(request, "live/index.html", {"hosting": hosting, "playing": playing})


@login_required
def host(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    live_round = selectors.access_round_for_host(request.user, round_id)
    seats = Participant.objects.filter(round=live_round).select_related("registration__ticket", "registration__person")
    return render(request, "live/host.html", {"round": live_round, "seats": seats})


@login_required
def screen(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    live_round = selectors.access_round_for_host(request.user, round_id)
    return render(request, "live/screen.html", {"round": live_round})


@login_required
def play(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    live_round = selectors.access_round(round_id)
    ticket = (
        live_round.contest.registrations.filter(person=request.user, status="approved").select_related("ticket").first()
    )
    return render(request, "live/play.html", {"round": live_round, "ticket": getattr(ticket, "ticket", None)})


def board(request: HttpRequest, round_id: int) -> HttpResponse:
    """Public spectator view: the published (public) leaderboard, frozen while the round is frozen."""
    live_round = selectors.access_round(round_id)
    return render(
        request, "live/board.html", {"round": live_round, "board": selectors.leaderboard(live_round, public=True)}
    )


@require_GET
def board_json(request: HttpRequest, round_id: int) -> JsonResponse:
    live_round = selectors.access_round(round_id)
    return JsonResponse(selectors.leaderboard(live_round, public=True).model_dump(mode="json"))


def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "live/rules.html")


@login_required
def report(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """The round report for its hosts (404 for anyone else); 导出 Excel goes through the exchange."""
    live_round = round_report.access_report(request.user, round_id)
    return render(request, "live/report.html", {"round": live_round, "report": round_report.round_report(live_round)})
