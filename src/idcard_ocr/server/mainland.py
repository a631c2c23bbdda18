"""The mainland action `IDCardOCR`: same pipeline, `Config` flags, `AdvancedInfo`, its own
warning table.

`Config` is a JSON string of booleans; each warning flag switches on the codes it names,
and `AdvancedInfo` is a JSON string too (as Tencent sends it), holding only what was asked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..details import details
from ..errors import ConfigFormatError, InvalidParameterValueLimit
from ..result import AlarmKind, CardSide, IdCardResult
from .params import ActionSpec, Job, as_bool, as_card_side, as_string, b64, image_job

__all__ = ["CONFIG_FLAGS", "IDCARD_OCR", "MAINLAND_WARNINGS"]

CONFIG_FLAGS = frozenset(
    {
        "CropIdCard", "CropPortrait", "CopyWarn", "BorderCheckWarn", "ReshootWarn",
        "DetectPsWarn", "TempIdWarn", "InvalidDateWarn", "Quality", "MultiCardDetect",
        "ReflectWarn", "KeyCheck", "ValueCheck",
    }
)  # fmt: skip

MAINLAND_WARNINGS: Mapping[AlarmKind, tuple[tuple[int, str], ...]] = {
    AlarmKind.INCOMPLETE_BORDER: ((-9101, "BorderCheckWarn"),),
    AlarmKind.PHOTOCOPY: ((-9102, "CopyWarn"),),
    AlarmKind.MONOCHROME_COPY: ((-9102, "CopyWarn"), (-9108, "CopyWarn")),
    AlarmKind.SCREEN: ((-9103, "ReshootWarn"),),
    AlarmKind.TEMPORARY_CARD: ((-9104, "TempIdWarn"),),
    AlarmKind.OCCLUSION: ((-9105, "BorderCheckWarn"),),
    AlarmKind.PS_ALTERED: ((-9106, "DetectPsWarn"),),
    AlarmKind.REFLECTIVE: ((-9107, "ReflectWarn"),),
    AlarmKind.INVALID_VALIDITY: ((-9109, "InvalidDateWarn"),),
}
"""Kind -> (IDCardOCR code, the Config flag that enables it); -9108 here is a B&W copy."""

REGIONS = frozenset(
    {
        "ap-beijing", "ap-shanghai", "ap-guangzhou", "ap-chengdu", "ap-chongqing",
        "ap-nanjing", "ap-hongkong", "ap-singapore", "ap-shanghai-fsi", "ap-shenzhen-fsi",
        "ap-beijing-fsi",
    }
)  # fmt: skip
FRONT_FIELDS = ("Name", "Sex", "Nation", "Birth", "Address", "IdNum")
_REFLECT_POSITIONS = {"portrait": "Portrait", "emblem": "NationalEmblem"}


def parse_config(name: str, value: object, textual: bool) -> dict[str, bool]:
    """`Config`: a JSON object of known flags, each a boolean."""
    text = as_string(name, value, textual)
    try:
        config = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ConfigFormatError(f"Config is not valid JSON: {exc.msg}") from None
    if not isinstance(config, dict):
        raise ConfigFormatError("Config must be a JSON object of booleans")
    for flag, setting in config.items():
        if flag not in CONFIG_FLAGS:
            raise ConfigFormatError(f"Config has no flag {flag}; known: {sorted(CONFIG_FLAGS)}")
        if not isinstance(setting, bool):
            raise ConfigFormatError(f"Config.{flag} must be true or false")
    return config


def as_warn_type(name: str, value: object, textual: bool) -> str:
    text = as_string(name, value, textual)
    if text not in ("Basic", "Advanced"):
        raise InvalidParameterValueLimit(f"{name} must be Basic or Advanced, got {text!r}")
    return text


def _job(typed: Mapping[str, object]) -> Job:
    config = typed.get("Config")
    flags: dict[str, bool] = config if isinstance(config, dict) else {}
    return image_job(
        {
            **typed,
            "CropPortrait": flags.get("CropPortrait", False),
            "CropIdCard": flags.get("CropIdCard", False),
            "Config": flags,
        }
    )


def _warnings(result: IdCardResult, flags: Mapping[str, bool], verify_dates: bool) -> list[int]:
    codes: set[int] = set()
    for alarm in result.alarms:
        if not alarm.raised or (alarm.kind is AlarmKind.INVALID_VALIDITY and not verify_dates):
            continue
        codes.update(code for code, flag in MAINLAND_WARNINGS[alarm.kind] if flags.get(flag))
    return sorted(codes, reverse=True)


def _score(result: IdCardResult, kind: AlarmKind) -> float:
    return max((a.score for a in result.alarms if a.kind is kind), default=0.0)


def _advanced_info(result: IdCardResult, flags: Mapping[str, bool], job: Job) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if flags.get("CropIdCard"):
        info["IdCard"] = b64(result.card_jpeg)
    if flags.get("CropPortrait"):
        info["Portrait"] = b64(result.portrait_jpeg)
    if flags.get("Quality"):
        info["Quality"] = round(100 * (1 - _score(result, AlarmKind.BLURRY)))
    if flags.get("BorderCheckWarn"):
        info["BorderCodeValue"] = round(100 * _score(result, AlarmKind.INCOMPLETE_BORDER))
    warnings = _warnings(result, flags, job.params.get("EnableDateVerify") is not False)
    if warnings:
        info["WarnInfos"] = warnings
    return info


def _reflect_details(result: IdCardResult) -> list[dict[str, str]]:
    """Where the raised glare lies: Tencent's four positions, each once."""
    positions: list[str] = []
    for alarm in result.alarms:
        if alarm.kind is AlarmKind.REFLECTIVE and alarm.raised:
            covered = [_REFLECT_POSITIONS.get(f, "RecognitionField") for f in alarm.fields]
            positions.extend(covered or ["Others"])
    return [{"Position": p} for p in dict.fromkeys(positions)]


def _fields(result: IdCardResult, job: Job, multi_card: bool) -> dict[str, str]:
    """Both sides' fields with MultiCardDetect; otherwise only the side asked for (or the
    front), as Tencent answers."""
    fields = result.tencent_fields()
    if multi_card or len(result.sides) < 2:
        return fields
    keep_front = job.card_side is not CardSide.BACK
    return {k: v if (k in FRONT_FIELDS) == keep_front else "" for k, v in fields.items()}


def _render(result: IdCardResult, job: Job) -> dict[str, Any]:
    config = job.params.get("Config")
    flags: Mapping[str, bool] = config if isinstance(config, dict) else {}
    rendered: dict[str, Any] = {
        **_fields(result, job, flags.get("MultiCardDetect", False)),
        "AdvancedInfo": json.dumps(_advanced_info(result, flags, job)),
    }
    if job.params.get("EnableReflectDetail") and flags.get("ReflectWarn"):
        rendered["ReflectDetailInfos"] = _reflect_details(result)
    if job.details:
        rendered["Details"] = details(result)
    return rendered


IDCARD_OCR = ActionSpec(
    params={
        "ImageBase64": as_string,
        "ImageUrl": as_string,
        "CardSide": as_card_side,
        "Config": parse_config,
        "EnableRecognitionRectify": as_bool,
        "EnableReflectDetail": as_bool,
        "EnableDateVerify": as_bool,
        "CardWarnType": as_warn_type,
        "Details": as_bool,
    },
    job=_job,
    render=_render,
    regions=REGIONS,
)
