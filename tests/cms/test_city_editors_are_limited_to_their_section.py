from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.models import AuditEvent, Region, User
from cms.actions import ensure_city_sections, publish, set_city_limit
from cms.models import CaseIndexPage, CasePage, NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db


def case(title: str, city: Region) -> CasePage:
    return CasePage(title=title, enterprise_name="某企业", city=city, industry="chemical", summary="摘要",
                    challenge="<p>问题</p>")  # fmt: skip


@pytest.fixture
def zibo_organizer(
    editorial: None, sections: dict[str, Page], organizer: User, province_admin: User, city: Callable[[str], Region]
) -> User:
    set_city_limit(province_admin, organizer, city("淄博"))
    return User.objects.get(pk=organizer.pk)  # Wagtail caches permissions per user object


def test_a_city_editor_may_add_and_edit_only_in_their_city_news_and_case_sections(
    zibo_organizer: User, sections: dict[str, Page], city: Callable[[str], Region]
) -> None:
    zibo = ensure_city_sections(city("淄博"))
    jinan = ensure_city_sections(city("济南"))
    own_news = publish(zibo.news, NewsPage(title="淄博动态", body="<p>正文</p>"))
    own_case = publish(zibo.cases, case("淄博案例", city("淄博")))
    other_news = publish(sections["news"], NewsPage(title="全省动态", body="<p>正文</p>"))
    other_case = publish(jinan.cases, case("济南案例", city("济南")))

    for section in (zibo.news, zibo.cases):
        perms = section.permissions_for_user(zibo_organizer)
        assert perms.can_add_subpage() and not perms.can_publish_subpage()
    for page in (own_news, own_case):
        assert page.permissions_for_user(zibo_organizer).can_edit()
        assert not page.permissions_for_user(zibo_organizer).can_publish()
    for section in (sections["news"], sections["cases"], sections["policies"], jinan.news, jinan.cases):
        assert not section.permissions_for_user(zibo_organizer).can_add_subpage()
    for page in (other_news, other_case):
        assert not page.permissions_for_user(zibo_organizer).can_edit()


def test_the_admin_lets_a_city_editor_into_their_sections_only(
    zibo_organizer: User, sections: dict[str, Page], city: Callable[[str], Region], client: Client
) -> None:
    zibo = ensure_city_sections(city("淄博"))
    own = publish(zibo.news, NewsPage(title="淄博动态", body="<p>正文</p>"))
    elsewhere = publish(sections["news"], NewsPage(title="全省动态", body="<p>正文</p>"))
    client.force_login(zibo_organizer)

    assert client.get(f"/cms-admin/pages/add/cms/newspage/{zibo.news.pk}/").status_code == 200
    assert client.get(f"/cms-admin/pages/add/cms/casepage/{zibo.cases.pk}/").status_code == 200
    assert client.get(f"/cms-admin/pages/{own.pk}/edit/").status_code == 200
    for url in (
        f"/cms-admin/pages/add/cms/newspage/{sections['news'].pk}/",
        f"/cms-admin/pages/add/cms/casepage/{sections['cases'].pk}/",
        f"/cms-admin/pages/add/cms/policypage/{sections['policies'].pk}/",
        f"/cms-admin/pages/{elsewhere.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url  # Wagtail redirects to the dashboard with an error
        assert "淄博动态" not in response.content.decode()
    response = client.post(
        f"/cms-admin/pages/{elsewhere.pk}/edit/", {"title": "被改的标题", "slug": elsewhere.slug, "body": "<p>x</p>"}
    )
    assert response.status_code in (302, 403)
    elsewhere.refresh_from_db()
    assert elsewhere.title == "全省动态" and elsewhere.get_latest_revision().content["title"] == "全省动态"


def test_city_sections_are_created_once_and_listed_by_the_main_indexes(
    sections: dict[str, Page], city: Callable[[str], Region], client: Client
) -> None:
    first = ensure_city_sections(city("淄博"))
    again = ensure_city_sections(city("淄博"))
    assert (again.news.pk, again.cases.pk, again.group.pk) == (first.news.pk, first.cases.pk, first.group.pk)
    assert NewsIndexPage.objects.child_of(sections["news"]).count() == 1
    assert CaseIndexPage.objects.child_of(sections["cases"]).count() == 1
    assert first.news.get_parent().pk == sections["news"].pk and first.news.slug == "370300"
    publish(first.cases, case("淄博分栏目案例", city("淄博")))
    publish(first.news, NewsPage(title="淄博分栏目新闻", body="<p>正文</p>"))
    assert "淄博分栏目案例" in client.get(sections["cases"].url + "?city=370300").content.decode()
    assert "淄博分栏目新闻" in client.get(sections["news"].url).content.decode()
    assert "淄博分栏目新闻" in client.get(first.news.url).content.decode()


def test_sections_only_for_cities(db: None, city: Callable[[str], Region]) -> None:
    province = Region.objects.get(kind="province")
    with pytest.raises(ValueError):
        ensure_city_sections(province)


def test_only_province_admins_may_limit_and_only_editors_to_a_city(
    editorial: None,
    sections: dict[str, Page],
    organizer: User,
    editor: User,
    city_admin: User,
    learner: User,
    province_admin: User,
    city: Callable[[str], Region],
) -> None:
    with pytest.raises(PermissionDenied):
        set_city_limit(city_admin, organizer, city("淄博"))
    with pytest.raises(PermissionDenied):
        set_city_limit(editor, organizer, city("淄博"))
    with pytest.raises(ValidationError, match="地级市"):
        set_city_limit(province_admin, organizer, Region.objects.get(kind="province"))
    with pytest.raises(ValidationError, match="不是编辑或组织者"):
        set_city_limit(province_admin, learner, city("淄博"))
    assert not learner.groups.filter(name__startswith="城市编辑").exists()
    assert organizer.groups.filter(name="Editors").exists()
    assert not AuditEvent.objects.filter(action="cms.city_limit").exists()


def test_limiting_twice_and_lifting_the_limit(
    editorial: None, sections: dict[str, Page], organizer: User, province_admin: User, city: Callable[[str], Region]
) -> None:
    set_city_limit(province_admin, organizer, city("淄博"))
    set_city_limit(province_admin, organizer, city("淄博"))
    assert list(organizer.groups.filter(name__startswith="城市编辑").values_list("name", flat=True)) == [
        "城市编辑:370300"
    ]
    set_city_limit(province_admin, organizer, city("烟台"), reason="调任烟台")
    assert list(organizer.groups.filter(name__startswith="城市编辑").values_list("name", flat=True)) == [
        "城市编辑:370600"
    ]
    set_city_limit(province_admin, organizer, None, reason="负责全省")
    organizer = User.objects.get(pk=organizer.pk)
    assert not organizer.groups.filter(name__startswith="城市编辑").exists()
    assert organizer.groups.filter(name="Editors").exists()
    assert sections["news"].permissions_for_user(organizer).can_add_subpage()
    events = list(AuditEvent.objects.filter(action="cms.city_limit").order_by("id"))
    assert [e.after["cities"] for e in events] == [["370300"], ["370300"], ["370600"], []]
    assert events[2].before == {"cities": ["370300"]} and events[2].reason == "调任烟台"
    assert events[-1].actor_id == province_admin.pk and events[-1].target_id == str(organizer.pk)


def test_a_case_in_a_city_section_must_be_of_that_city(
    zibo_organizer: User, sections: dict[str, Page], city: Callable[[str], Region], client: Client
) -> None:
    zibo = ensure_city_sections(city("淄博"))
    form_class = CasePage.get_edit_handler().get_form_class()
    data = nested_form_data({
        "title": "案例", "slug": "case", "enterprise_name": "某企业", "industry": "chemical", "summary": "摘要",
        "challenge": rich_text("<p>问题</p>"), "results": streamfield([]), "gallery": streamfield([]),
        "related_contests": streamfield([]), "comments": inline_formset([]),
    })  # fmt: skip
    wrong = form_class({**data, "city": city("济南").pk}, instance=CasePage(), parent_page=zibo.cases,
                       for_user=zibo_organizer)  # fmt: skip
    assert not wrong.is_valid()
    assert "本栏目是淄博的城市栏目，案例所在城市只能选淄博" in str(wrong.errors["city"])
    right = form_class({**data, "city": city("淄博").pk}, instance=CasePage(), parent_page=zibo.cases,
                       for_user=zibo_organizer)  # fmt: skip
    assert right.is_valid(), right.errors
    main = form_class({**data, "city": city("济南").pk}, instance=CasePage(), parent_page=sections["cases"],
                      for_user=zibo_organizer)  # fmt: skip
    main.is_valid()
    assert "city" not in main.errors  # the main index takes cases of every city
    client.force_login(zibo_organizer)
    html = client.get(f"/cms-admin/pages/add/cms/casepage/{zibo.cases.pk}/").content.decode()
    assert f'<option value="{city("淄博").pk}" selected>' in html  # prefilled
