from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import Page

from accounts.models import User
from cms.models import CasePage

pytestmark = pytest.mark.django_db


def test_roles_join_the_editorial_groups(editorial: None, editor: User, province_admin: User, learner: User) -> None:
    assert editor.groups.filter(name="Editors").exists()
    assert province_admin.groups.filter(name="Moderators").exists()
    assert not learner.groups.filter(name__in=["Editors", "Moderators"]).exists()


def test_ensure_editorial_is_idempotent(editorial: None) -> None:
    from wagtail.models import GroupPagePermission, Workflow

    from cms.actions import ensure_editorial

    before = GroupPagePermission.objects.count()
    ensure_editorial()
    assert GroupPagePermission.objects.count() == before
    assert Workflow.objects.filter(name="内容审核").count() == 1


def test_editor_drafts_and_submits_reviewer_approves(
    editorial: None, sections: dict[str, Page], editor: User, province_admin: User, city
) -> None:
    index = sections["cases"]
    editor_perms = index.permissions_for_user(editor)
    assert editor_perms.can_add_subpage() and not editor_perms.can_publish_subpage()
    page = CasePage(title="德州新能源装备数字化", enterprise_name="德州新能源装备", city=city("德州"),
                    industry="equipment", summary="摘要", challenge="<p>问题</p>", live=False)  # fmt: skip
    index.add_child(instance=page)
    revision = page.save_revision(user=editor)
    assert not page.permissions_for_user(editor).can_publish()

    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == "内容审核"
    state = workflow.start(page, editor)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(page, editor) == []
    assert "approve" in [action[0] for action in task.get_actions(page, province_admin)]
    page.refresh_from_db()
    assert not page.live
    task.on_action(task_state, province_admin, "approve")
    page.refresh_from_db()
    assert page.live and page.live_revision_id == revision.pk


def test_editor_cannot_publish_through_the_admin(
    editorial: None, sections: dict[str, Page], editor: User, city, client: Client
) -> None:
    client.force_login(editor)
    url = f"/cms-admin/pages/add/cms/casepage/{sections['cases'].pk}/"
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url,
        {
            "title": "越权发布的案例", "slug": "sneaky", "enterprise_name": "某企业", "city": city("济南").pk,
            "industry": "equipment", "summary": "摘要", "challenge": '{"blocks":[{"key":"a","text":"问题","type":"unstyled","depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "results-count": "0", "gallery-count": "0", "related_contests-count": "0", "tags": "",
            "action-publish": "action-publish",
        },
    )  # fmt: skip
    # Wagtail keeps what she wrote as a draft and ignores the publish she had no right to.
    page = CasePage.objects.get(slug="sneaky")
    assert response.status_code == 302 and response["Location"] == f"/cms-admin/pages/{page.pk}/edit/"
    assert not page.live and page.live_revision_id is None and page.first_published_at is None
    assert page.latest_revision is not None and page.latest_revision.user_id == editor.pk
