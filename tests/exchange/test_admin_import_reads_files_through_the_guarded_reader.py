"""The Django admin's import takes files as the exchange page does: the same size limit (and
request ceiling), the same type checks, and the same guarded reader, so a hostile workbook is
refused with the reader's reason and nothing is stored or left behind."""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from config.limits import ceiling_for
from exchange.models import ExchangeJob
from tests.exchange import hostile
from tests.exchange.admin_screens import admin_url, make_staff, upload
from tests.exchange.conftest import PEOPLE_HEADER, csv_bytes, person_row

pytestmark = pytest.mark.django_db


def refusal(response) -> str:
    assert response.status_code == 200
    assert "result" not in response.context
    return " ".join(response.context["form"].errors["file"])


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: hostile.sparse_far_cell(p, "XFD1048576", declared=True), "工作表声明的范围有 1,048,576 行"),
        (lambda p: hostile.sparse_far_cell(p, "XFD1048576", declared=False), "读取时所需内存超过上限"),
        (lambda p: hostile.nested_zip_bomb(p, 20), "嵌入了压缩文件"),
    ],
    ids=["far cell, declared", "far cell, parsed in the child", "zip of zips"],
)
def test_a_hostile_workbook_is_refused_as_on_the_exchange_page(
    client, province_admin, exchange_root, tmp_path, make, reason
) -> None:
    client.force_login(make_staff(province_admin))
    path = make(tmp_path / "people.xlsx")

    message = refusal(upload(client, User, "people.xlsx", path.read_bytes()))

    assert message.startswith("文件无法读取："), message
    assert reason in message
    assert not list(exchange_root.iterdir()), "the upload and the parsed rows are removed"
    assert not User.objects.filter(mobile__startswith="137").exists()


def test_a_file_over_the_upload_limit_is_refused(client, province_admin, exchange_root, settings) -> None:
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 2048
    client.force_login(make_staff(province_admin))
    data = csv_bytes(PEOPLE_HEADER, [person_row(n) for n in range(40)])
    assert len(data) > 2048

    message = refusal(upload(client, User, "people.csv", data))

    assert "文件太大" in message
    assert not ExchangeJob.objects.exists(), "refused before anything is stored"


def test_an_old_xls_file_is_refused_with_a_hint(client, province_admin, exchange_root) -> None:
    client.force_login(make_staff(province_admin))

    message = refusal(upload(client, User, "people.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100))

    assert "另存为” .xlsx 或 .csv" in message


def test_the_admin_import_route_has_the_exchange_uploads_ceiling(settings) -> None:
    path = admin_url(User, "import")
    # Its own rule, not the ceiling of the admin's other uploads (documents, images).
    rule = next(pattern for pattern, _limit in settings.REQUEST_BODY_LIMITS if re.match(pattern, path))
    assert rule.endswith("/import/$")
    assert ceiling_for(path) == ceiling_for("/exchange/people/import/")
    assert ceiling_for("/django-admin/lms/question/import/") == ceiling_for("/exchange/questions/import/")
