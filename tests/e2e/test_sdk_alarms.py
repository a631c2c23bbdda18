"""Alarms through the real server and the official SDK: the codes in WarnCardInfos, and with
the extension parameter `Details` each alarm's score, region and the consistency checks."""

from __future__ import annotations

import random

import pytest
from tencentcloud.ocr.v20181119 import ocr_client

from cards import b64, sdk_call
from idcard_synth.alarms import make_alarm_sample


def alarm_photo(kind: str, variant: str, seed: int) -> bytes:
    return make_alarm_sample(random.Random(seed), kind, 1.0, variant).jpeg


@pytest.mark.parametrize(
    ("kind", "variant", "seed", "code"),
    [
        ("glare", "on_card", 9, -9107),
        ("photocopy", "colour", 4, -9102),
        ("screen", "lcd", 5, -9103),
    ],
)
def test_warn_card_infos_carries_the_alarm(
    sdk: ocr_client.OcrClient, kind: str, variant: str, seed: int, code: int
) -> None:
    response = sdk_call(sdk, alarm_photo(kind, variant, seed))
    assert code in response["WarnCardInfos"]


def test_details_give_scores_regions_and_checks(sdk: ocr_client.OcrClient) -> None:
    """The SDK's generic call sends the extension parameter its request model lacks."""
    params = {"ImageBase64": b64(alarm_photo("glare", "on_card", 9)), "Details": True}
    response = sdk.call_json("RecognizeMainlandIDCardOCR", params)["Response"]
    details = response["Details"]
    glare = next(a for a in details["Alarms"] if a["Code"] == -9107)
    assert glare["Raised"] and 0.5 <= glare["Score"] <= 1.0
    assert glare["Regions"] and all(len(region) == 4 for region in glare["Regions"])
    assert glare["Fields"]
    scores = [a["Score"] for a in details["Alarms"]]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert details["Checks"] and all({"Name", "Passed"} <= set(c) for c in details["Checks"])
    assert len(details["CardPolygons"]) == 1 and len(details["CardPolygons"][0]) == 4


def test_a_clean_photo_raises_nothing(sdk: ocr_client.OcrClient) -> None:
    clean = make_alarm_sample(random.Random(24), "clean", 0.0, "upright").jpeg
    assert sdk_call(sdk, clean)["WarnCardInfos"] == []
