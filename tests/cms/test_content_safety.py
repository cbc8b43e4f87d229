"""Rich text sanitizing, document privacy and upload limits."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.documents.forms import get_document_form
from wagtail.documents.models import Document
from wagtail.images.forms import get_image_form
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, Page

from accounts.models import User
from cms.actions import publish
from cms.models import NewsPage
from cms.sanitize import clean_html

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p>正文<script>alert(1)</script><a href="javascript:alert(2)">点我</a>'
    '<a href="/ok/" onclick="steal()">站内</a><img src=x onerror="alert(3)"><iframe src="//evil"></iframe></p>'
)


def test_clean_html_strips_scripts_javascript_links_and_event_handlers() -> None:
    cleaned = clean_html(HOSTILE)
    for bad in ("<script", "alert(1)", "javascript:", "onclick", "onerror", "<iframe", "<img"):
        assert bad not in cleaned
    assert '<a href="/ok/">站内</a>' in cleaned
    assert '<a linktype="page" id="3">x</a>' in clean_html('<a linktype="page" id="3">x</a>')


def test_rich_text_fields_and_blocks_are_sanitized_when_saved(
    sections: dict[str, Page], make_course, client: Client
) -> None:
    news = publish(sections["news"], NewsPage(title="恶意正文", body=HOSTILE))
    stored = NewsPage.objects.get(pk=news.pk).body
    assert "javascript:" not in stored and "<script" not in stored
    html = client.get(news.url).content.decode()
    assert "alert(1)" not in html and "javascript:alert" not in html

    course = make_course(lessons=0)
    from cms.models import LessonPage

    lesson = publish(course, LessonPage(title="恶意课时", body=[("text", HOSTILE)]))
    raw = LessonPage.objects.get(pk=lesson.pk).body.raw_data[0]["value"]
    assert "<script" not in raw and "javascript:" not in raw


@pytest.fixture
def private_document(db: None) -> Document:
    root = Collection.get_first_root_node()
    private = root.add_child(name="内部资料")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    doc = Document(title="内部名单", collection=private)
    doc.file.save("internal.pdf", ContentFile(b"%PDF-1.4 internal"), save=True)
    return doc


def test_private_collection_documents_need_a_login(client: Client, private_document: Document, learner: User) -> None:
    response = client.get(private_document.url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(learner)
    response = client.get(private_document.url)
    assert response.status_code == 200
    assert b"internal" in b"".join(response.streaming_content)


def test_public_documents_are_served_through_the_view(client: Client) -> None:
    doc = Document(title="公开附件")
    doc.file.save("public.pdf", ContentFile(b"%PDF-1.4 public"), save=True)
    assert doc.url.startswith("/documents/")
    assert client.get(doc.url).status_code == 200


def document_form_errors(name: str, content: bytes, user: User) -> dict:
    form_class = get_document_form(Document)
    form = form_class(
        data={"title": name, "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
        user=user,
    )
    form.is_valid()
    return form.errors


def test_documents_refuse_svg_html_and_oversized_files(settings, editor: User) -> None:
    assert "file" in document_form_errors("logo.svg", b"<svg onload='alert(1)'/>", editor)
    assert "file" in document_form_errors("page.html", b"<script>alert(1)</script>", editor)
    assert not document_form_errors("plan.pdf", b"%PDF-1.4", editor)
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 10
    assert "file" in document_form_errors("big.pdf", b"%PDF-1.4 more than ten bytes", editor)


def image_form_errors(name: str, content: bytes, user: User) -> dict:
    form_class = get_image_form(Image)
    form = form_class(
        data={"title": name, "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
        user=user,
    )
    form.is_valid()
    return form.errors


def test_images_refuse_non_images_and_svg(editor: User) -> None:
    assert "file" in image_form_errors("fake.png", b"this is not a picture", editor)
    assert "file" in image_form_errors(
        "vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', editor
    )
    real = get_test_image_file()
    real.file.seek(0)
    assert not image_form_errors("real.png", real.file.read(), editor)


def test_images_are_shown_through_renditions(sections: dict[str, Page], client: Client) -> None:
    image = Image.objects.create(title="封面", file=get_test_image_file(size=(1600, 900)))
    news = publish(sections["news"], NewsPage(title="有封面", body="<p>x</p>", cover=image, cover_alt="车间全景"))
    html = client.get(news.url).content.decode()
    assert image.file.url not in html  # never the original upload
    assert "/images/" in html and 'alt="车间全景"' in html


def test_only_renditions_are_served_from_media_never_originals(client: Client) -> None:
    image = Image.objects.create(title="原图", file=get_test_image_file())
    rendition = image.get_rendition("fill-100x100")
    assert client.get(rendition.url).status_code == 200
    assert client.get(image.file.url).status_code == 404
