"""Fast checks of the synthetic data generator in tools/idcard_synth."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from stdnum import numdb

from idcard_synth import (
    Identity,
    flat_image,
    identities,
    make_photo,
    render_card,
    tencent_fields,
)
from idcard_synth.names import NATIONS

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.fixture(scope="module")
def people() -> list[Identity]:
    return identities(seed=7, count=400)


def _mod11_2(first17: str) -> str:
    # Written out again rather than imported so the test does not trust the generator.
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def test_id_numbers_are_valid(people: list[Identity]) -> None:
    regions = numdb.get("cn/loc")
    for person in people:
        number = person.id_num
        assert len(number) == 18 and number[:17].isdigit()
        assert number[17] == _mod11_2(number[:17])
        assert number[6:14] == person.birth.strftime("%Y%m%d")
        assert int(number[16]) % 2 == (1 if person.sex == "男" else 0)
        info = {k: v for _, props in regions.info(number[:6]) for k, v in props.items()}
        assert "county" in info, number


def test_some_numbers_end_in_x(people: list[Identity]) -> None:
    share = sum(p.id_num.endswith("X") for p in people) / len(people)
    assert 0.04 < share < 0.2


def test_all_56_nations_appear(people: list[Identity]) -> None:
    assert len(NATIONS) == 56
    assert {p.nation for p in people} == set(NATIONS)


def test_identity_fields_are_plausible(people: list[Identity]) -> None:
    for person in people:
        assert 2 <= len(person.name) <= 12
        assert 1 <= len(person.address_lines) <= 4
        assert 1940 <= person.birth.year <= 2015
        assert dt.date(2005, 1, 1) <= person.valid_from <= dt.date(2025, 12, 31)
        assert person.valid_from > person.birth
        issued, born = person.valid_from, person.birth
        age = issued.year - born.year - ((issued.month, issued.day) < (born.month, born.day))
        expected = 5 if age < 16 else 10 if age <= 25 else 20 if age <= 45 else None
        if expected is None:
            assert person.valid_to is None
        else:
            assert person.valid_to is not None
            assert person.valid_to.year - issued.year == expected
            assert person.valid_to.month == issued.month
            assert person.valid_to.day == issued.day or (issued.month, issued.day) == (2, 29)


def _identity(valid_to: dt.date | None) -> Identity:
    return Identity(
        name="欧阳娜",
        sex="女",
        nation="蒙古",
        birth=dt.date(1990, 3, 7),
        address="浙江省杭州市西湖区文三路一〇三号",
        id_num="330106199003070047",
        authority="杭州市公安局西湖分局",
        valid_from=dt.date(2015, 6, 8),
        valid_to=valid_to,
    )


def test_tencent_fields_format() -> None:
    fields = tencent_fields(_identity(dt.date(2035, 6, 8)))
    assert fields == {
        "Name": "欧阳娜",
        "Sex": "女",
        "Nation": "蒙古",
        "Birth": "1990/3/7",
        "Address": "浙江省杭州市西湖区文三路一〇三号",
        "IdNum": "330106199003070047",
        "Authority": "杭州市公安局西湖分局",
        "ValidDate": "2015.06.08-2035.06.08",
    }
    assert tencent_fields(_identity(None))["ValidDate"] == "2015.06.08-长期"


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_render_shapes(people: list[Identity]) -> None:
    rng = random.Random(1)
    front = render_card(people[0], "FRONT", rng)
    back = render_card(people[0], "BACK", rng)
    for card in (front, back):
        height, width = card.alpha.shape
        assert card.image.shape == (height, width, 3) and card.image.dtype == np.uint8
        assert 1850 < width < 1930 and 1150 < height < 1230
        assert card.alpha[height // 2, width // 2] == 255 and card.alpha[0, 0] == 0
        for box in card.field_boxes.values():
            assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height
    assert front.portrait_box is not None and back.portrait_box is None
    assert {"Name", "Sex", "Nation", "Birth", "Address", "IdNum"} <= set(front.field_boxes)
    assert set(back.field_boxes) == {"Authority", "ValidDate"}
    assert not any(_overlaps(box, front.portrait_box) for box in front.field_boxes.values())
    flat = flat_image(front, 800, rng)
    assert 800 <= flat.shape[1] <= 800 * 1.13 and flat.dtype == np.uint8


@pytest.mark.parametrize("category", ["upright", "perspective", "tiny", "no_card"])
def test_photo_quads_inside_image(category: str) -> None:
    sample = make_photo(random.Random(3), category)
    height, width = sample.image.shape[:2]
    assert sample.category == category
    if category == "no_card":
        assert sample.cards == () and sample.expected_error == "FailedOperation.ImageNoIdCard"
        return
    for truth in sample.cards:
        assert truth.quad.shape == (4, 2)
        assert (truth.quad >= 0).all() and (truth.quad[:, 0] <= width).all()
        assert (truth.quad[:, 1] <= height).all()
        edges = [np.linalg.norm(truth.quad[i + 1] - truth.quad[i]) for i in (0, 2)]
        assert max(edges) < 200 if category == "tiny" else min(edges) >= 350
