"""Street addresses and issuing authorities consistent with a county code."""

from __future__ import annotations

import math
import random

from idcard_synth.regions import County

CHARS_PER_LINE = 11  # the address field wraps after 11 characters on a real card

_ROAD_STEMS = (
    "人民", "解放", "中山", "建设", "和平", "新华", "胜利", "长江", "黄河", "东风", "朝阳", "文化",
    "光明", "团结", "幸福", "育才", "学院", "府前", "滨江", "西湖", "文三", "兴隆", "振兴", "迎宾",
)  # fmt: skip
_ROAD_SUFFIXES = ("路", "街", "大道", "巷", "东路", "西路", "南路", "北路", "大街", "中路")
_TOWN_STEMS = (
    "城关",
    "新城",
    "东城",
    "白马",
    "青山",
    "石桥",
    "柳林",
    "双河",
    "清水",
    "李家",
    "马坊",
)
_TOWN_SUFFIXES = ("镇", "乡", "街道")
_VILLAGE_STEMS = ("王庄", "李楼", "张湾", "刘家", "河口", "新庄", "杨树", "大屯", "高岭", "前进")
_DIGITS_ZH = "〇一二三四五六七八九"


def chinese_counting(number: int) -> str:
    """1-99 as spoken: 二十一, 十五 (used for 组 and 队 of a village)."""
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS_ZH[tens] + "十")
    return head + (_DIGITS_ZH[units] if units else "") if number else "〇"


def chinese_digits(number: int) -> str:
    """Digit-by-digit numerals as police stations often write house numbers: 一〇三."""
    return "".join(_DIGITS_ZH[int(d)] for d in str(number))


def address_lines(address: str) -> list[str]:
    return [address[i : i + CHARS_PER_LINE] for i in range(0, len(address), CHARS_PER_LINE)]


def _prefix(county: County) -> str:
    return county.province + county.prefecture + county.county


def _house_number(rng: random.Random, flat: bool = False) -> str:
    number = rng.randint(1, 399)
    style = 1.0 if flat else rng.random()
    if style < 0.6:
        return f"{number}号"
    if style < 0.8:
        return chinese_digits(number) + "号"
    # Flats: building, unit and room, always in Arabic digits.
    room = f"{rng.randint(1, 25)}0{rng.randint(1, 4)}"
    return f"{number}号{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{room}室"


def _urban_tail(rng: random.Random, long: bool = False) -> str:
    road = rng.choice(_ROAD_STEMS) + rng.choice(_ROAD_SUFFIXES)
    if long or rng.random() < 0.3:  # named estates make the long, four-line addresses
        estate = rng.choice(_ROAD_STEMS) + rng.choice(("小区", "花园", "家园", "新村"))
        return road + estate + _house_number(rng, flat=long)
    return road + _house_number(rng)


def _rural_tail(rng: random.Random) -> str:
    town = rng.choice(_TOWN_STEMS) + rng.choice(_TOWN_SUFFIXES)
    village = rng.choice(_VILLAGE_STEMS) + "村"
    if rng.random() < 0.5:
        return town + village + chinese_counting(rng.randint(1, 30)) + "组"
    return town + village + _house_number(rng)


def _one_line(rng: random.Random, county: County) -> str:
    """Short addresses exist in municipalities (上海市徐汇区华山路5号); elsewhere drop levels."""
    for prefix in (_prefix(county), county.prefecture + county.county, county.county):
        for _ in range(10):
            road = rng.choice(_ROAD_STEMS) + rng.choice("路街巷")
            candidate = f"{prefix}{road}{rng.randint(1, 99)}号"
            if len(candidate) <= CHARS_PER_LINE:
                return candidate
    return (county.county + f"{rng.randint(1, 9)}号")[-CHARS_PER_LINE:]


def random_address(rng: random.Random, county: County, lines: int) -> str:
    """An address of ``lines`` printed lines (1-4) starting with the county's names.

    Tails are drawn until the length lands in the wanted line count; prefixes that are
    already too long for the target are accepted at their natural length.
    """
    prefix = _prefix(county)
    if lines == 1:
        return _one_line(rng, county)
    best = prefix + _urban_tail(rng)
    for _ in range(40):
        urban = county.is_district or lines == 4 or rng.random() < 0.3
        tail = _urban_tail(rng, long=lines == 4) if urban else _rural_tail(rng)
        candidate = prefix + tail
        if math.ceil(len(candidate) / CHARS_PER_LINE) == lines:
            return candidate
        if abs(len(candidate) - lines * 9) < abs(len(best) - lines * 9):
            best = candidate
    return best[: 4 * CHARS_PER_LINE]


def authority_for(county: County) -> str:
    """Issuing authority: city bureau branch (分局) for a district, else the county bureau."""
    city = county.province if county.is_municipality else county.prefecture
    if county.is_district and city:
        branch = county.county[:-1] if len(county.county) > 2 else county.county
        name = f"{city}公安局{branch}分局"
        if len(name) <= 16:  # must fit on the back's single authority line
            return name
    return county.county + "公安局"
