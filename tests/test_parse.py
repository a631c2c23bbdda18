"""Parsing and validation on scripted text lines: no OCR engine involved."""

from __future__ import annotations

import numpy as np
import pytest

from idcard_ocr.errors import IdCardInfoIllegal
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.result import CardSide
from idcard_ocr.stages.parse import parse_card, restore_ling
from idcard_ocr.stages.read import CardText, TextLine
from idcard_ocr.stages.validate import validate_card

VALID_ID = "11010519491231002X"


def line(text: str, x0: float, y: float, width: float = 0.3, conf: float = 0.99) -> TextLine:
    """A text line at fractions of the card: left edge x0, vertical centre y."""
    h = 0.05
    quad = np.array(
        [[x0, y - h / 2], [x0 + width, y - h / 2], [x0 + width, y + h / 2], [x0, y + h / 2]],
        dtype=np.float32,
    ) * np.array([CARD_WIDTH, CARD_HEIGHT], dtype=np.float32)
    return TextLine(text, conf, quad)


def front_lines(**overrides: list[TextLine]) -> list[TextLine]:
    rows = {
        "name": [line("姓名", 0.08, 0.21, 0.06), line("张三", 0.18, 0.21)],
        "sex": [line("性别男民族汉", 0.08, 0.34)],
        "birth": [line("出生1949年12月31日", 0.08, 0.45)],
        "address": [line("住址北京市西城区", 0.08, 0.57)],
        "id": [line("公民身份号码", 0.08, 0.88, 0.2), line(VALID_ID, 0.35, 0.88, 0.4)],
    }
    rows.update(overrides)
    return [ln for lines in rows.values() for ln in lines]


def read_front(lines: list[TextLine]) -> dict[str, str]:
    parsed = parse_card(CardText(tuple(lines), 0.0))
    assert parsed.side is CardSide.FRONT
    return validate_card(parsed).texts


def test_front_fields_in_tencent_formats() -> None:
    texts = read_front(front_lines())
    assert texts == {
        "name": "张三",
        "sex": "男",
        "nation": "汉",
        "birth": "1949/12/31",
        "address": "北京市西城区",
        "id_num": VALID_ID,
    }


@pytest.mark.parametrize(
    ("sex_lines", "sex", "nation"),
    [
        ([line("性别男民族汉", 0.08, 0.34)], "男", "汉"),
        ([line("性别", 0.08, 0.34, 0.06), line("女", 0.18, 0.34, 0.03)], "女", ""),
        ([line("性别女", 0.08, 0.34), line("民族维吾尔", 0.3, 0.34)], "女", "维吾尔"),
        ([line("女", 0.18, 0.34, 0.03), line("蒙古族", 0.4, 0.34, 0.1)], "女", "蒙古"),
    ],
)
def test_sex_and_nation_glued_or_apart(sex_lines: list[TextLine], sex: str, nation: str) -> None:
    texts = read_front(front_lines(sex=sex_lines))
    assert (texts["sex"], texts["nation"]) == (sex, nation)


def test_multi_line_address_joined_in_reading_order() -> None:
    address = [
        line("住址", 0.08, 0.57, 0.06),
        line("新疆维吾尔自治区乌鲁木", 0.18, 0.575),
        line("齐市天山区解放南路一O", 0.18, 0.64),
        line("三号 2单元", 0.18, 0.71),
    ]
    texts = read_front(front_lines(address=address))
    assert texts["address"] == "新疆维吾尔自治区乌鲁木齐市天山区解放南路一〇三号2单元"


def test_minority_name_keeps_middle_dot() -> None:
    texts = read_front(front_lines(name=[line("姓名买买提.艾力", 0.08, 0.21)]))
    assert texts["name"] == "买买提·艾力"


def test_id_number_confusions_undone() -> None:
    texts = read_front(front_lines(id=[line("11O1O519491231002x", 0.35, 0.88, 0.4)]))
    assert texts["id_num"] == VALID_ID


def test_wrong_check_digit_read_clearly_is_illegal() -> None:
    with pytest.raises(IdCardInfoIllegal):
        read_front(front_lines(id=[line("110105194912310021", 0.35, 0.88, 0.4)]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有效期限2015.06.08-2035.06.08", "2015.06.08-2035.06.08"),
        ("有效期限 2015.06.08-长期", "2015.06.08-长期"),
        ("2010.01.3I-2020.01.31", "2010.01.31-2020.01.31"),
    ],
)
def test_back_validity(text: str, expected: str) -> None:
    lines = [
        line("中华人民共和国", 0.3, 0.17, 0.5),
        line("居民身份证", 0.3, 0.34, 0.6),
        line("签发机关杭州市公安局西湖分局", 0.24, 0.75, 0.5),
        line(text, 0.24, 0.87, 0.5),
    ]
    parsed = parse_card(CardText(tuple(lines), 0.0))
    assert parsed.side is CardSide.BACK
    texts = validate_card(parsed).texts
    assert texts == {"authority": "杭州市公安局西湖分局", "valid_date": expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("一O三号", "一〇三号"), ("二OO一室", "二〇〇一室"), ("105号", "105号"), ("A0栋", "A0栋")],
)
def test_restore_ling(text: str, expected: str) -> None:
    assert restore_ling(text) == expected


@pytest.mark.parametrize(
    ("name_lines", "name"),
    [
        ([line("生名黎娜秋", 0.08, 0.21)], "黎娜秋"),  # label misread, glued
        ([line("姓", 0.08, 0.21, 0.03), line("名姚伟珍", 0.11, 0.21)], "姚伟珍"),  # label split
        ([line("名字", 0.18, 0.21)], "名字"),  # in the value column: nothing is cut
    ],
)
def test_label_remnants_cut_only_in_label_column(name_lines: list[TextLine], name: str) -> None:
    assert read_front(front_lines(name=name_lines))["name"] == name


def test_misread_address_label_cut() -> None:
    texts = read_front(front_lines(address=[line("主址贵州省福泉市光明路309号", 0.08, 0.57)]))
    assert texts["address"] == "贵州省福泉市光明路309号"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("北京市酉城区文三路8号", "北京市西城区文三路8号"),  # one misread character restored
        ("北京市西城区文三路8号", "北京市西城区文三路8号"),
        ("浙江省杭州市西湖区文三路", "浙江省杭州市西湖区文三路"),  # moved away: kept as read
    ],
)
def test_region_names_restored_from_id_number(address: str, expected: str) -> None:
    texts = read_front(
        front_lines(
            address=[line("住址" + address, 0.08, 0.57)],
            id=[line("110102194912310020", 0.35, 0.88, 0.4)],
            birth=[line("出生1949年12月31日", 0.08, 0.45)],
            sex=[line("性别女民族汉", 0.08, 0.34)],
        )
    )
    assert texts["address"] == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("社福建省福州市平潭县幸福北路", "福建省福州市平潭县幸福北路"),
        ("亲新疆维吾尔自治区哈密市伊吾县", "新疆维吾尔自治区哈密市伊吾县"),
        ("福建省福州市平潭县幸福北路", "福建省福州市平潭县幸福北路"),
    ],
)
def test_stray_characters_before_the_province_dropped(address: str, expected: str) -> None:
    texts = read_front(front_lines(address=[line(address, 0.18, 0.57)]))
    assert texts["address"] == expected


def test_overlapping_boxes_read_once() -> None:
    lines = [
        line("中华人民共和国", 0.3, 0.17, 0.5),
        line("居民身份证", 0.3, 0.34, 0.6),
        line("签发机关前", 0.24, 0.75, 0.2),
        line("前郭尔罗斯蒙古族自治县公安局", 0.42, 0.75, 0.5),
        line("有效期限2012.04.09-长期", 0.24, 0.87, 0.5),
    ]
    texts = validate_card(parse_card(CardText(tuple(lines), 0.0))).texts
    assert texts["authority"] == "前郭尔罗斯蒙古族自治县公安局"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("张湾村一—五号", "张湾村一一五号"), ("3-2号", "3-2号"), ("河口村三+组", "河口村三十组")],
)
def test_look_alikes_between_numerals_are_numerals(text: str, expected: str) -> None:
    assert restore_ling(text) == expected


@pytest.mark.parametrize(
    ("read", "nation"),
    [("傈傈", "傈僳"), ("维吾而", "维吾尔"), ("汉", "汉"), ("火星", "火星"), ("畬", "畲")],
)
def test_nation_one_character_off_is_corrected(read: str, nation: str) -> None:
    lines = [line("性别男", 0.08, 0.34), line("民族" + read, 0.3, 0.34)]
    assert read_front(front_lines(sex=lines))["nation"] == nation
