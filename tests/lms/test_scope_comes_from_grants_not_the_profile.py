"""Issue #19 item 3: every enterprise scope comes from role grants, never from the profile's
organization. The Jinan enterprise admin (and a Jinan mentor) whose `User.organization` says
Qingdao — legacy data from when the profile form let anyone edit it — sees nothing of Qingdao's
learners, cohorts, work-study photos, progress or exports, and all of her granted organization's.

The field is set directly on purpose: the profile no longer changes it (see
tests/accounts/test_employment_is_accepted_not_edited.py)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from accounts import selectors as account_selectors
from accounts.choices import Role
from accounts.models import User
from competitions import selectors as contest_selectors
from exchange.engine import write_export
from exchange.registry import all_record_types
from lms import actions, selectors
from lms.workstudy import can_review, log_session, mentor_queue, review_log, withdraw_approval
from talent import selectors as talent_selectors
from tests.lms.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def _legacy_employer(person: User, org) -> User:
    """What the old profile form allowed: the person names another organization herself."""
    User.objects.filter(pk=person.pk).update(organization=org)
    return User.objects.get(pk=person.pk)


def _photo_log(enrollment, learner, workstudy):
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes((400, 300)), content_type="image/jpeg")
    return log_session(
        enrollment,
        learner=learner,
        task=workstudy.tasks.get(),
        photos=[photo],
        date=dt.date.today(),
        hours="2",
        content="现场数据采集",
    )


@pytest.fixture
def world(make_person, acme, rival, course, workstudy, enterprise_admin, mentor, learner):
    """Both enterprises with a cohort, a mentored learner and a work-study log with a photo each."""
    rival_admin = make_person(Role.ENTERPRISE_ADMIN, org=rival, name="青岛企管")
    rival_mentor = make_person(Role.MENTOR, org=rival, name="青岛导师")
    rival_learner = make_person(Role.LEARNER, org=rival, name="青岛学员")
    start, end = dt.date.today() - dt.timedelta(days=10), dt.date.today() + dt.timedelta(days=60)
    own_cohort = actions.create_cohort(
        actor=enterprise_admin, name="济南一期", course=course, mentor=mentor, starts_on=start, ends_on=end,
        learners=[learner],
    )  # fmt: skip
    rival_cohort = actions.create_cohort(
        actor=rival_admin, name="青岛一期", course=course, mentor=rival_mentor, starts_on=start, ends_on=end,
        learners=[rival_learner],
    )  # fmt: skip
    own_log = _photo_log(own_cohort.enrollments.get(), learner, workstudy)
    rival_log = _photo_log(rival_cohort.enrollments.get(), rival_learner, workstudy)
    return {
        "own_cohort": own_cohort,
        "rival_cohort": rival_cohort,
        "own_log": own_log,
        "rival_log": rival_log,
        "rival_learner": rival_learner,
        "rival_mentor": rival_mentor,
    }


def test_an_enterprise_admin_whose_profile_names_another_enterprise_sees_only_her_grant(
    world, enterprise_admin, learner, acme, rival, course
) -> None:
    admin = _legacy_employer(enterprise_admin, rival)
    rival_learner = world["rival_learner"]

    # People and organizations.
    people = set(account_selectors.people_visible_to(admin))
    assert learner in people and rival_learner not in people
    assert set(account_selectors.organizations_visible_to(admin)) == {acme}
    assert account_selectors.scope_for(admin) == (False, set(), {acme.pk})
    with pytest.raises(Http404):
        account_selectors.access_person(admin, rival_learner.pk)
    with pytest.raises(Http404):
        account_selectors.access_organization(admin, rival.pk)

    # Cohorts, the roster she may enrol, progress.
    assert list(selectors.cohorts_visible_to(admin)) == [world["own_cohort"]]
    with pytest.raises(Http404):
        selectors.access_cohort(admin, world["rival_cohort"].pk)
    assert learner in selectors.organization_learners(admin)
    assert rival_learner not in selectors.organization_learners(admin)
    with pytest.raises(ValidationError):
        actions.create_cohort(
            actor=admin, name="越权班", course=course, mentor=None, starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 4, 1), learners=[rival_learner],
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.assign_mentor(world["rival_cohort"].enrollments.get(), actor=admin, mentor=world["rival_mentor"])

    # Work-study photos and approvals.
    own_photo, rival_photo = world["own_log"].photos.get(), world["rival_log"].photos.get()
    assert selectors.access_worklog_photo(admin, own_photo.pk) == own_photo
    with pytest.raises(Http404):
        selectors.access_worklog_photo(admin, rival_photo.pk)
    review_log(world["rival_log"], mentor=world["rival_mentor"], approve=True)
    with pytest.raises(PermissionDenied):
        withdraw_approval(world["rival_log"], actor=admin, reason="越权撤销")

    # Nominations and talent demands.
    assert contest_selectors.enterprise_admin_org_ids(admin) == {acme.pk}
    assert set(talent_selectors.demands_visible_to(admin)) == set()

    # Every export she may run.
    exported: dict[str, str] = {}
    for record_type in all_record_types():
        if record_type.exporter is None or not record_type.exportable_by(admin):
            continue
        buffer = io.BytesIO()
        write_export(record_type, admin, "csv", buffer)
        exported[record_type.key] = buffer.getvalue().decode("utf-8-sig")
    assert {"people", "enrollments"} <= exported.keys()
    for key, text in exported.items():
        assert rival_learner.real_name not in text, key
        assert "青岛一期" not in text, key
    assert learner.real_name in exported["people"] and "济南一期" in exported["enrollments"]


def test_a_mentor_whose_profile_names_another_enterprise_reviews_only_his_grants_learners(world, mentor, rival) -> None:
    legacy = _legacy_employer(mentor, rival)
    rival_enrollment = world["rival_cohort"].enrollments.get()
    rival_enrollment.mentor = legacy  # even if wrongly assigned to him
    rival_enrollment.save()
    assert list(mentor_queue(legacy)) == [world["own_log"]]
    assert not can_review(legacy, world["rival_log"])
    assert world["rival_learner"] not in account_selectors.people_visible_to(legacy)
    assert rival_enrollment not in selectors.mentor_learners(legacy)
    with pytest.raises(Http404):
        selectors.access_worklog_photo(legacy, world["rival_log"].photos.get().pk)


def test_a_city_admin_whose_profile_names_another_city_sees_only_his_granted_city(
    world, city_admin, rival, learner
) -> None:
    admin = _legacy_employer(city_admin, rival)
    people = set(account_selectors.people_visible_to(admin))
    assert learner in people and world["rival_learner"] not in people
    assert rival not in set(account_selectors.organizations_visible_to(admin))
    assert world["rival_cohort"] not in set(selectors.cohorts_visible_to(admin))


def test_an_enterprise_grant_needs_an_organization_in_the_action_and_the_database(
    province_admin, learner, acme
) -> None:
    from django.db import IntegrityError, transaction

    from accounts import actions as account_actions
    from accounts.models import RoleGrant

    with pytest.raises(ValidationError, match="必须指定所属单位"):
        account_actions.grant_role(province_admin, learner, Role.ENTERPRISE_ADMIN)  # her employer is not taken
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=learner, role=Role.MENTOR)
    account_actions.grant_role(province_admin, learner, Role.MENTOR, organization=acme)
    assert account_selectors.mentor_org_ids(User.objects.get(pk=learner.pk)) == {acme.pk}
