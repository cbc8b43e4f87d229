"""Changes of state in the CMS."""

from __future__ import annotations

from wagtail.models import Locale, Page, Site

from cms.models import HomePage


def ensure_site() -> HomePage:
    """Make sure the page tree has a root, our home page and a default site. Idempotent.

    A migration creates these on a fresh install; this restores them after a database flush
    (transactional tests) and is what `seed_demo` relies on.
    """
    home = HomePage.objects.first()
    if home is None:
        locale, _created = Locale.objects.get_or_create(language_code="zh-hans")
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        home = root.add_child(
            instance=HomePage(
                title="数智英才",
                slug="home",
                locale=locale,
                hero_title="数智英才",
                hero_text="面向中小制造企业的数字技能人才培育平台：在线学习、工学一体、以赛促学、以赛代评。",
            )
        )
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="数智英才")
    return home
