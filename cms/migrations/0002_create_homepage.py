from __future__ import annotations

from django.db import migrations


def create_homepage(apps, schema_editor):  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")
    # Replace Wagtail's welcome page (created by wagtailcore.0002) with our home page.
    page_ct = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_ct, slug="home", depth=2).delete()
    home_ct, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        locale_id=root.locale_id,
        title="数智英才",
        draft_title="数智英才",
        slug="home",
        content_type=home_ct,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        hero_title="数智英才",
        hero_text="面向中小制造企业的数字技能人才培育平台：在线学习、工学一体、以赛促学、以赛代评。",
    )
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="数智英才")


def remove_homepage(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("cms.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial"), ("wagtailcore", "0002_initial_data")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
