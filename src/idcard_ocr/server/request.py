"""From an HTTP request to an `ApiCall`: bounded body reading and the two signing styles.

TC3 carries the common parameters in `X-TC-*` headers; legacy v1 mixes them with the action's
parameters in a form body or query string. Both end up as the same `ApiCall`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from ..errors import (
    InvalidAuthorization,
    InvalidParameter,
    MissingParameter,
    RequestSizeLimitExceeded,
)
from .auth import SignedRequest, Tc3Authorization, parse_tc3_authorization
from .tencent import Language, parse_language

__all__ = [
    "MAX_QUERY_BYTES",
    "ApiCall",
    "Tc3Credentials",
    "V1Credentials",
    "json_object",
    "parse_call",
    "read_body",
]

MAX_QUERY_BYTES = 32 * 1024
V1_COMMON = frozenset(
    {"Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "SignatureMethod",
     "Signature", "Token", "Language", "RequestClient"}
)  # fmt: skip


@dataclass(frozen=True)
class Tc3Credentials:
    """What `Authenticator.check_tc3` needs."""

    authorization: Tc3Authorization
    signed: SignedRequest


@dataclass(frozen=True)
class V1Credentials:
    """What `Authenticator.check_v1` needs: every form parameter, as received."""

    params: Mapping[str, str]
    method: str
    host: str


@dataclass(frozen=True)
class ApiCall:
    """One API 3.0 call, not yet authenticated."""

    action: str
    version: str
    region: str | None
    language: Language
    params: Mapping[str, object]
    textual: bool
    """True when values arrived as form/query strings (booleans as "True"/"False")."""
    credentials: Tc3Credentials | V1Credentials


async def read_body(content_length: str | None, stream: AsyncIterator[bytes], limit: int) -> bytes:
    """The body, refused before reading if declared too big and while reading if it grows."""
    declared = (content_length or "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise RequestSizeLimitExceeded(f"the request body exceeds {limit} bytes")
    chunks: list[bytes] = []
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise RequestSizeLimitExceeded(f"the request body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def check_query_size(query: bytes) -> None:
    if len(query) > MAX_QUERY_BYTES:
        raise RequestSizeLimitExceeded(f"the query string exceeds {MAX_QUERY_BYTES} bytes")


def parse_call(method: str, query: bytes, headers: Mapping[str, str], body: bytes) -> ApiCall:
    """Common parameters, action parameters and credentials; `headers` keyed lower-case."""
    authorization = headers.get("authorization", "").strip()
    if authorization.startswith("TC3-"):
        return _parse_tc3(method, query, headers, body, authorization)
    if authorization:
        raise InvalidAuthorization("Authorization must use TC3-HMAC-SHA256")
    return _parse_v1(method, query, headers, body)


def _parse_tc3(
    method: str, query: bytes, headers: Mapping[str, str], body: bytes, authorization: str
) -> ApiCall:
    action = _required(headers, "x-tc-action", "X-TC-Action")
    version = _required(headers, "x-tc-version", "X-TC-Version")
    timestamp = _timestamp(_required(headers, "x-tc-timestamp", "X-TC-Timestamp"))
    params: dict[str, object]
    if method == "GET":
        params, textual = dict(_form(query)), True
    else:
        params, textual = _body_params(headers.get("content-type", ""), body)
    signed = SignedRequest(
        method=method,
        query=query.decode("latin-1"),
        headers=headers,
        body=body,
        timestamp=timestamp,
    )
    return ApiCall(
        action=action,
        version=version,
        region=headers.get("x-tc-region") or None,
        language=parse_language(headers.get("x-tc-language")),
        params=params,
        textual=textual,
        credentials=Tc3Credentials(parse_tc3_authorization(authorization), signed),
    )


def _parse_v1(method: str, query: bytes, headers: Mapping[str, str], body: bytes) -> ApiCall:
    form = _form(query if method == "GET" else body)
    if "Signature" not in form:
        raise InvalidAuthorization(
            "the request is not signed: send an Authorization header (TC3-HMAC-SHA256) "
            "or the v1 Signature parameters"
        )
    for name in ("Action", "Version"):
        if not form.get(name):
            raise MissingParameter(f"the parameter {name} is missing")
    return ApiCall(
        action=form["Action"],
        version=form["Version"],
        region=form.get("Region") or None,
        language=parse_language(form.get("Language")),
        params={k: v for k, v in form.items() if k not in V1_COMMON},
        textual=True,
        credentials=V1Credentials(
            params=form,  # the signature covers every parameter
            method=method,
            host=headers.get("host", ""),
        ),
    )


def _required(headers: Mapping[str, str], key: str, name: str) -> str:
    value = headers.get(key, "").strip()
    if not value:
        raise MissingParameter(f"the header {name} is missing")
    return value


def _timestamp(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidParameter(f"X-TC-Timestamp must be unix seconds, got {value!r}") from None


def _body_params(content_type: str, body: bytes) -> tuple[dict[str, object], bool]:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        return dict(_form(body)), True
    if media_type not in ("application/json", ""):
        raise InvalidParameter(f"Content-Type {media_type} is not supported; send JSON")
    return json_object(body), False


def json_object(body: bytes) -> dict[str, object]:
    """The request body as a JSON object, or InvalidParameter saying what is wrong."""
    try:
        params = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameter("the request body is not valid JSON") from None
    if not isinstance(params, dict):
        raise InvalidParameter("the request body must be a JSON object")
    return params


def _form(raw: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise InvalidParameter("the parameters are not valid UTF-8 form encoding") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise InvalidParameter(f"the parameter {key} is given more than once")
        form[key] = value
    return form
