from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from talent.index import rebuild
from talent.models import KpiActual, TalentProfile

pytestmark = pytest.mark.django_db


def test_seed_talent_generates_people_whose_profiles_match_a_rebuild(city) -> None:
    out = io.StringIO()
    call_command("seed_talent", "--people", "300", stdout=out)
    assert "seeded 300 people" in out.getvalue()
    assert TalentProfile.objects.count() == 300 and KpiActual.objects.exists()
    report = rebuild()
    assert report.profile_differences == 0 and report.kpi_differences == 0


def test_rebuild_talent_reports_differences(learner, certificate) -> None:
    certificate(learner)
    KpiActual.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_talent", stdout=out)
    assert "differences were found" in out.getvalue()
    out = io.StringIO()
    call_command("rebuild_talent", stdout=out)
    assert "no differences" in out.getvalue()
