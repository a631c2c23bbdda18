"""Tests for idcard_ocr.standards, driven by the CSV vectors in tests/data/."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idcard_ocr import standards
from idcard_ocr.standards import (
    NATIONS,
    correct_id_number,
    id_check_digit,
    id_number_facts,
    is_known_region,
    normalize_nation,
    parse_card_date,
    region_of,
    validity_term_ok,
    validity_term_years,
)

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ids(rows: list[dict[str, str]], key: str) -> list[str]:
    return [f"{index}:{row[key]}" for index, row in enumerate(rows)]


ID_ROWS = _rows("id_numbers.csv")
NATION_ROWS = _rows("nations.csv")
CONFUSION_ROWS = _rows("ocr_confusions.csv")
VALIDITY_ROWS = _rows("validity_terms.csv")


# --------------------------------------------------------------------------- ID numbers


def test_check_digit_known_example() -> None:
    # The worked example of GB 11643-1999 appendix: 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"


def test_check_digit_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        id_check_digit("1101051949123100")
    with pytest.raises(ValueError):
        id_check_digit("1101051949123100A")


@pytest.mark.parametrize("row", ID_ROWS, ids=_ids(ID_ROWS, "reason"))
def test_id_number_vectors(row: dict[str, str]) -> None:
    facts = id_number_facts(row["id"])
    assert facts.valid is (row["valid"] == "1")


@pytest.mark.parametrize("row", [r for r in ID_ROWS if r["valid"] == "1"])
def test_valid_number_facts(row: dict[str, str]) -> None:
    number = row["id"]
    facts = id_number_facts(number)
    assert facts.format_ok and facts.check_ok and facts.region_known
    assert facts.region_code == number[:6]
    assert facts.birth == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert facts.sex == ("男" if int(number[16]) % 2 else "女")


def test_facts_explain_failures() -> None:
    assert id_number_facts("110101199002300620").birth is None
    assert not id_number_facts("44030519840110844x").format_ok
    assert not id_number_facts("999999194904174490").region_known
    short = id_number_facts("1101")
    assert (short.format_ok, short.check_ok, short.sex, short.birth) == (False, False, None, None)


@given(
    region=st.sampled_from(sorted(standards._regions())),
    birth=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_check_digit_property(region: str, birth: dt.date, sequence: int) -> None:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    number = first17 + id_check_digit(first17)
    facts = id_number_facts(number)
    assert facts.check_ok and facts.format_ok and facts.valid
    assert facts.birth == birth
    assert correct_id_number(number) == (number,)


@given(number=st.from_regex(r"[0-9]{17}", fullmatch=True), wrong=st.sampled_from("0123456789X"))
def test_single_check_char_error_is_detected(number: str, wrong: str) -> None:
    if wrong != id_check_digit(number):
        assert not id_number_facts(number + wrong).check_ok


# --------------------------------------------------------------------------- OCR repair


@pytest.mark.parametrize("row", CONFUSION_ROWS, ids=_ids(CONFUSION_ROWS, "note"))
def test_ocr_confusions(row: dict[str, str]) -> None:
    candidates = correct_id_number(row["raw"])
    if row["expected_first_candidate"]:
        assert candidates[:1] == (row["expected_first_candidate"],)
    else:
        assert candidates == ()


# --------------------------------------------------------------------------- regions


def test_region_table_size_and_history() -> None:
    regions = standards._regions()
    assert len(regions) > 3000
    assert region_of("110102") == standards.Region("110102", "北京市", "市辖区", "西城区")
    abolished = region_of("110103")
    assert abolished is not None and abolished.county == "崇文区"
    renamed = region_of("130204")
    assert renamed is not None and (renamed.county, renamed.former_names) == ("古冶区", ("东矿区",))


def test_region_levels() -> None:
    assert region_of("110000") == standards.Region("110000", "北京市", "", "")
    assert region_of("441900") == standards.Region("441900", "广东省", "东莞市", "")
    assert is_known_region("650102") and not is_known_region("999999")
    assert region_of("1101") is None


def test_region_table_is_current() -> None:
    if importlib.util.find_spec("stdnum") is None:
        pytest.skip("python-stdnum (dev dependency) not installed")
    import make_region_table as tool

    source = tool.loc_dat_path()
    entries = tool.parse_loc_dat(source.read_text(encoding="utf-8"))
    assert tool.render(tool.build_rows(entries), source) == tool.OUTPUT.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- nations


def test_nations_list() -> None:
    assert len(NATIONS) == 56 == len(set(NATIONS))
    assert NATIONS[:4] == ("汉", "蒙古", "回", "藏") and NATIONS[-1] == "基诺"
    assert not any(name.endswith("族") for name in NATIONS)


@pytest.mark.parametrize("row", NATION_ROWS, ids=_ids(NATION_ROWS, "text"))
def test_normalize_nation(row: dict[str, str]) -> None:
    assert normalize_nation(row["text"]) == (row["expected"] or None)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015.06.08", dt.date(2015, 6, 8)),
        (" 2015.6.8 ", dt.date(2015, 6, 8)),
        ("2015-06-08", dt.date(2015, 6, 8)),
        ("1990年1月1日", dt.date(1990, 1, 1)),
        ("２０１５．０６．０８", dt.date(2015, 6, 8)),
        ("2015.02.30", None),
        ("2015.13.01", None),
        ("长期", None),
        ("20150608", None),
        ("", None),
    ],
)
def test_parse_card_date(text: str, expected: dt.date | None) -> None:
    assert parse_card_date(text) == expected


def _date_or_none(text: str) -> dt.date | None:
    if not text:
        return None
    parsed = parse_card_date(text)
    assert parsed is not None, text
    return parsed


@pytest.mark.parametrize("row", VALIDITY_ROWS, ids=_ids(VALIDITY_ROWS, "note"))
def test_validity_terms(row: dict[str, str]) -> None:
    birth, start = _date_or_none(row["birth"]), _date_or_none(row["start"])
    assert birth is not None and start is not None
    assert validity_term_ok(birth, start, _date_or_none(row["end"])) is (row["ok"] == "1")


def test_validity_term_years() -> None:
    assert validity_term_years(dt.date(2015, 6, 8), dt.date(2025, 6, 8)) == 10
    assert validity_term_years(dt.date(2020, 2, 29), dt.date(2025, 2, 28)) == 5
    assert validity_term_years(dt.date(2020, 2, 29), dt.date(2025, 3, 1)) == 5
    assert validity_term_years(dt.date(2015, 6, 8), dt.date(2025, 6, 9)) is None
    assert validity_term_years(dt.date(2015, 6, 8), dt.date(2010, 6, 8)) is None
