"""The talent ledger exports read-only, within the exporter's scope, masked without view_pii."""

from __future__ import annotations

import io

import pytest

from exchange.engine import write_export
from exchange.registry import get_record_type
from talent.actions import record_achievement
from tests.exchange.conftest import read_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(learner, outsider):
    record_achievement(
        person=learner, kind="certificate", source="lms.certificate", source_id=1, title="=工业互联网初级"
    )
    record_achievement(person=outsider, kind="contest_award", source="competitions.award", source_id=2, title="一等奖")


def test_an_enterprise_admin_exports_her_organizations_achievements_masked(enterprise_admin, learner, ledger) -> None:
    record_type = get_record_type("achievements")
    assert record_type.importer is None and record_type.exportable_by(enterprise_admin)
    buffer = io.BytesIO()

    written, unmasked = write_export(record_type, enterprise_admin, "csv", buffer)

    table = read_csv(buffer.getvalue())
    assert table[0] == ["姓名", "手机号", "单位", "类型", "名称", "来源", "取得时间", "状态"]
    assert written == 1 and not unmasked
    assert table[1][:5] == ["王学员", learner.mobile_masked, "济南测试精工有限公司", "证书", "'=工业互联网初级"]
    assert table[1][7] == "有效"


def test_the_province_exports_every_achievement_unmasked(province_admin, learner, ledger) -> None:
    buffer = io.BytesIO()

    written, unmasked = write_export(get_record_type("achievements"), province_admin, "csv", buffer)

    assert written == 2 and unmasked
    assert learner.mobile in {row[1] for row in read_csv(buffer.getvalue())[1:]}


def test_learners_cannot_export_the_ledger(learner) -> None:
    assert not get_record_type("achievements").exportable_by(learner)
