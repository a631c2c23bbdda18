"""The actions this server answers, as a table: parameters, regions, result rendering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..details import details
from ..errors import InvalidAction, NoSuchVersion, UnsupportedRegion
from ..result import IdCardResult
from .mainland import IDCARD_OCR
from .params import (
    ActionSpec,
    Job,
    as_bool,
    as_card_side,
    as_string,
    b64,
    decode_image_base64,
    image_job,
    parse_job,
)

__all__ = [
    "ACTIONS",
    "VERSION",
    "ActionSpec",
    "Job",
    "decode_image_base64",
    "parse_job",
    "resolve_action",
]

VERSION = "2018-11-19"


def resolve_action(action: str, version: str, region: str | None) -> ActionSpec:
    """The table entry for `action`, after checking the version and region."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise InvalidAction(f"the action {action} does not exist; known: {', '.join(ACTIONS)}")
    if version != VERSION:
        raise NoSuchVersion(f"the version {version} does not exist; use {VERSION}")
    if region is not None and region not in spec.regions:
        raise UnsupportedRegion(
            f"{action} is not served in region {region}; use {', '.join(sorted(spec.regions))}"
        )
    return spec


def _render_recognize_mainland(result: IdCardResult, job: Job) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        **result.tencent_fields(),
        "WarnCardInfos": list(result.warn_codes),
        "PortraitImage": b64(result.portrait_jpeg),
        "IdCardImage": b64(result.card_jpeg),
    }
    if job.details:  # the SDK ignores fields it does not know, so this stays compatible
        rendered["Details"] = details(result)
    return rendered


ACTIONS: Mapping[str, ActionSpec] = {
    "RecognizeMainlandIDCardOCR": ActionSpec(
        params={
            "ImageBase64": as_string,
            "ImageUrl": as_string,
            "CardSide": as_card_side,
            "CropPortrait": as_bool,
            "CropIdCard": as_bool,
            "Details": as_bool,  # our extension: confidences, alarm scores, checks
        },
        job=image_job,
        render=_render_recognize_mainland,
        regions=frozenset({"ap-singapore"}),
    ),
    "IDCardOCR": IDCARD_OCR,
}
