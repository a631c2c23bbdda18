"""Parameters: the typed job a call asks for, the coercers checking each value, the table lookup.

Shared by every action; each action is an `ActionSpec` built from these parts (see
`actions.py` and `mainland.py`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import (
    EmptyImage,
    ImageDecodeFailed,
    ImageSizeTooLarge,
    InvalidParameter,
    InvalidParameterValueLimit,
    MissingParameter,
    UnknownParameter,
)
from ..result import CardSide, IdCardResult

__all__ = [
    "ActionSpec",
    "Job",
    "as_bool",
    "as_card_side",
    "as_string",
    "b64",
    "decode_image_base64",
    "image_job",
    "parse_job",
]

Coerce = Callable[[str, object, bool], object]
"""(parameter name, raw value, arrived as text) -> typed value, or InvalidParameter."""


@dataclass(frozen=True)
class Job:
    """What one call asks of the reader, after parameter checking."""

    image_base64: str | None = None
    image_url: str | None = None
    card_side: CardSide | None = None
    crop_portrait: bool = False
    crop_id_card: bool = False
    details: bool = False
    params: Mapping[str, object] = field(default_factory=dict)
    """Every typed parameter, for renderers that need more than the fields above."""


@dataclass(frozen=True)
class ActionSpec:
    params: Mapping[str, Coerce]
    job: Callable[[Mapping[str, object]], Job]
    render: Callable[[IdCardResult, Job], dict[str, Any]]
    regions: frozenset[str]


def as_string(name: str, value: object, textual: bool) -> str:
    if not isinstance(value, str):
        raise InvalidParameter(f"{name} must be a string")
    return value


def as_bool(name: str, value: object, textual: bool) -> bool:
    if isinstance(value, bool):
        return value
    # v1 and GET calls stringify Python booleans: "True"/"False".
    if textual and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidParameter(f"{name} must be a boolean")


def as_card_side(name: str, value: object, textual: bool) -> CardSide:
    text = as_string(name, value, textual)
    try:
        return CardSide(text)
    except ValueError:
        raise InvalidParameterValueLimit(f"{name} must be FRONT or BACK, got {text!r}") from None


def parse_job(spec: ActionSpec, raw: Mapping[str, object], textual: bool) -> Job:
    """Check every parameter against the action's table; unknown names are refused."""
    typed: dict[str, object] = {}
    for name, value in raw.items():
        coerce = spec.params.get(name)
        if coerce is None:
            raise UnknownParameter(f"the parameter {name} is not defined for this action")
        if value is not None:  # the SDK omits unset fields; a JSON null means the same
            typed[name] = coerce(name, value, textual)
    return spec.job(typed)


def decode_image_base64(text: str, limit: int) -> bytes:
    """ImageBase64 to bytes, with Tencent's size limit counted on the encoded text."""
    if len(text) > limit:
        raise ImageSizeTooLarge(f"ImageBase64 is {len(text)} bytes; at most {limit} allowed")
    if text.startswith("data:") and "," in text:  # tolerate a data: URL prefix
        text = text.split(",", 1)[1]
    compact = "".join(text.split())
    if not compact:
        raise EmptyImage("ImageBase64 is empty")
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ImageDecodeFailed("ImageBase64 is not valid base64") from None
    if not data:
        raise EmptyImage("ImageBase64 decodes to no bytes")
    return data


def image_job(typed: Mapping[str, object]) -> Job:
    image_url = typed.get("ImageUrl") or None
    image_base64 = typed.get("ImageBase64")
    if image_url is None and image_base64 is None:
        raise MissingParameter("one of ImageBase64 or ImageUrl is required")
    side = typed.get("CardSide")
    return Job(
        image_base64=image_base64 if isinstance(image_base64, str) else None,
        image_url=image_url if isinstance(image_url, str) else None,
        card_side=side if isinstance(side, CardSide) else None,
        crop_portrait=typed.get("CropPortrait") is True,
        crop_id_card=typed.get("CropIdCard") is True,
        details=typed.get("Details") is True,
        params=dict(typed),
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
