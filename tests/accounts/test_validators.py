from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.pii import escape_cell, mask_id_number, mask_mobile
from accounts.validators import check_length, validate_credit_code, validate_id_number, validate_mobile

# Published examples with correct check characters.
VALID_IDS = ["11010519491231002X", "110101199003077731", "440308199901101512"]
VALID_CODES = ["91350100M000100Y43", "91110000100006485K", "914403001922038216"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_pass(number: str) -> None:
    validate_id_number(number)


def test_lowercase_x_is_accepted_as_check_character() -> None:
    validate_id_number("11010519491231002x")


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18 位"),
        ("1101051949123100AX", "18 位"),
        ("110105194913310021", "出生日期"),
        ("110105230012310021", "出生日期"),
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(number: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert fragment in exc.value.messages[0]


@pytest.mark.parametrize("mobile", ["13800138000", "19912345678", "138 0013 8000", "+8613800138000"])
def test_valid_mobiles_pass(mobile: str) -> None:
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380001", "abcdefghijk", ""])
def test_invalid_mobiles_are_refused(mobile: str) -> None:
    with pytest.raises(ValidationError, match="11 位"):
        validate_mobile(mobile)


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code: str) -> None:
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [("91350100M000100Y44", "校验位"), ("91350100M000100Y4", "18 位"), ("91350100M000I00Y43", "18 位")],
)
def test_invalid_credit_codes_are_refused(code: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert fragment in exc.value.messages[0]


def test_masks_keep_only_the_ends() -> None:
    assert mask_id_number("370102199001011234") == "370102********1234"
    assert mask_mobile("13800138000") == "138****8000"


@pytest.mark.parametrize("cell", ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_escaped(cell: str) -> None:
    assert escape_cell(cell) == "'" + cell


def test_plain_cells_and_numbers_are_unchanged() -> None:
    assert escape_cell("王小明") == "王小明"
    assert escape_cell(-2) == -2


def test_a_text_over_its_limit_is_refused_with_its_length_and_a_trimmed_one_at_the_limit_passes() -> None:
    check_length("  " + "字" * 10 + "\n", 10, "评语")
    with pytest.raises(ValidationError, match="评语最多 10 字（当前 11 字）"):
        check_length("字" * 11, 10, "评语")
