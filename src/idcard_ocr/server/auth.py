"""Request signatures: TC3-HMAC-SHA256 and the legacy v1 HmacSHA1/HmacSHA256.

The signing helpers are pure functions so the API.md test vector can pin them down;
`Authenticator` adds what needs state: the key table, the clock and v1 nonces.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..errors import InvalidAuthorization, SecretIdNotFound, SignatureExpire, SignatureFailure

__all__ = [
    "SERVICE",
    "TC3_ALGORITHM",
    "Authenticator",
    "SignedRequest",
    "Tc3Authorization",
    "parse_tc3_authorization",
    "tc3_canonical_request",
    "tc3_signature",
    "v1_signature",
    "v1_string_to_sign",
]

TC3_ALGORITHM = "TC3-HMAC-SHA256"
SERVICE = "ocr"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
V1_METHODS = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256}

_TC3_RE = re.compile(
    r"TC3-HMAC-SHA256\s+Credential=(?P<id>[^/\s,]+)/(?P<date>\d{4}-\d{2}-\d{2})/"
    r"(?P<service>[^/\s,]+)/tc3_request\s*,\s*SignedHeaders=(?P<headers>[A-Za-z0-9\-;]+)\s*,"
    r"\s*Signature=(?P<signature>[0-9A-Fa-f]{64})\s*"
)


@dataclass(frozen=True)
class Tc3Authorization:
    """The parts of a TC3 `Authorization` header."""

    secret_id: str
    date: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


@dataclass(frozen=True)
class SignedRequest:
    """What a TC3 signature covers, as received: never re-serialized."""

    method: str
    query: str
    headers: Mapping[str, str]
    """Lower-case names."""
    body: bytes
    timestamp: int

    @functools.cached_property
    def payload_hash(self) -> str:
        """Hashed once: a 10 MB body must not be rehashed for every Host candidate."""
        if self.headers.get("x-tc-content-sha256", "").upper() == UNSIGNED_PAYLOAD:
            return hashlib.sha256(UNSIGNED_PAYLOAD.encode()).hexdigest()
        return hashlib.sha256(self.body).hexdigest()


def parse_tc3_authorization(header: str) -> Tc3Authorization:
    """Split the header; anything not in Tencent's shape is `InvalidAuthorization`."""
    match = _TC3_RE.fullmatch(header.strip())
    if match is None:
        raise InvalidAuthorization(
            "Authorization must be 'TC3-HMAC-SHA256 Credential=<SecretId>/<date>/ocr/"
            "tc3_request, SignedHeaders=<headers>, Signature=<hex>'"
        )
    signed = tuple(name.lower() for name in match["headers"].split(";") if name)
    if not {"content-type", "host"} <= set(signed):
        raise InvalidAuthorization("SignedHeaders must include content-type and host")
    return Tc3Authorization(
        secret_id=match["id"],
        date=match["date"],
        service=match["service"],
        signed_headers=signed,
        signature=match["signature"].lower(),
    )


def tc3_canonical_request(
    request: SignedRequest, signed_headers: Sequence[str], headers: Mapping[str, str]
) -> str:
    """Step 1 of API.md; `headers` are the values to sign (lower-case names)."""
    ordered = sorted(signed_headers)
    canonical_headers = "".join(f"{name}:{headers[name]}\n" for name in ordered)
    return "\n".join(
        [
            request.method,
            "/",
            request.query if request.method == "GET" else "",
            canonical_headers,
            ";".join(ordered),
            request.payload_hash,
        ]
    )


def tc3_signature(secret_key: str, date: str, timestamp: int, canonical_request: str) -> str:
    """Steps 2-4 of API.md: the hex signature of one canonical request."""
    scope = f"{date}/{SERVICE}/tc3_request"
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    string_to_sign = f"{TC3_ALGORITHM}\n{timestamp}\n{scope}\n{digest}"
    key = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    for part in (SERVICE, "tc3_request"):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def v1_string_to_sign(method: str, host: str, params: Mapping[str, str]) -> str:
    """`METHOD host/?k=v&...`: keys with `_` as `.`, sorted, raw values, no Signature."""
    items = sorted((key.replace("_", "."), value) for key, value in params.items())
    query = "&".join(f"{key}={value}" for key, value in items if key != "Signature")
    return f"{method}{host}/?{query}"


def v1_signature(secret_key: str, string_to_sign: str, method: str) -> str:
    """base64(HMAC(SecretKey, string)) with SHA1 or SHA256."""
    digest = hmac.new(secret_key.encode(), string_to_sign.encode(), V1_METHODS[method]).digest()
    return base64.b64encode(digest).decode("ascii")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


class Authenticator:
    """Checks signatures against the configured keys; returns the caller's SecretId."""

    def __init__(
        self,
        secret_key: Callable[[str], str | None],
        *,
        public_hosts: Sequence[str] = (),
        skew_seconds: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret_key = secret_key
        self._public_hosts = tuple(public_hosts)
        self._skew = skew_seconds
        self._clock = clock
        self._nonces: dict[tuple[str, str], float] = {}

    def check_tc3(self, auth: Tc3Authorization, request: SignedRequest) -> str:
        """Verify a TC3 request; raises an `AuthError` subclass."""
        if auth.service != SERVICE:
            raise InvalidAuthorization(f"the credential scope service must be '{SERVICE}'")
        secret_key = self._key_for(auth.secret_id, request.timestamp)
        date = dt.datetime.fromtimestamp(request.timestamp, dt.UTC).strftime("%Y-%m-%d")
        if auth.date != date:
            raise SignatureFailure(f"the credential scope date must be {date} (UTC of Timestamp)")
        missing = [name for name in auth.signed_headers if name not in request.headers]
        if missing:
            raise InvalidAuthorization(f"signed header(s) not sent: {', '.join(missing)}")
        for headers in self._header_variants(request.headers, auth.signed_headers):
            canonical = tc3_canonical_request(request, auth.signed_headers, headers)
            expected = tc3_signature(secret_key, date, request.timestamp, canonical)
            if hmac.compare_digest(expected, auth.signature):
                return auth.secret_id
        raise SignatureFailure("the signature does not match; check the SecretKey and Host")

    def check_v1(self, params: Mapping[str, str], method: str, host: str) -> str:
        """Verify a legacy v1 request whose common parameters are in `params`."""
        missing = [k for k in ("SecretId", "Signature", "Timestamp", "Nonce") if k not in params]
        if missing:
            raise InvalidAuthorization(f"v1 signature parameter(s) missing: {', '.join(missing)}")
        sign_method = params.get("SignatureMethod", "HmacSHA1")
        if sign_method not in V1_METHODS:
            raise InvalidAuthorization("SignatureMethod must be HmacSHA1 or HmacSHA256")
        timestamp = _parse_timestamp(params["Timestamp"])
        secret_key = self._key_for(params["SecretId"], timestamp)
        for candidate in self._hosts(host):
            expected = v1_signature(
                secret_key, v1_string_to_sign(method, candidate, params), sign_method
            )
            if hmac.compare_digest(expected.encode(), params["Signature"].encode()):
                self._spend_nonce(params["SecretId"], params["Nonce"], timestamp)
                return params["SecretId"]
        raise SignatureFailure("the signature does not match; check the SecretKey and Host")

    def _key_for(self, secret_id: str, timestamp: int) -> str:
        if abs(self._clock() - timestamp) > self._skew:
            raise SignatureExpire(
                f"Timestamp {timestamp} is more than {self._skew} s away from the server time"
            )
        secret_key = self._secret_key(secret_id)
        if secret_key is None:
            raise SecretIdNotFound(f"SecretId {secret_id} is not configured on this server")
        return secret_key

    def _hosts(self, received: str) -> Iterator[str]:
        yield received
        yield from (host for host in self._public_hosts if host != received)

    def _header_variants(
        self, received: Mapping[str, str], signed: Sequence[str]
    ) -> Iterator[Mapping[str, str]]:
        # Tencent's docs lower-case signed values (x-tc-action); the SDK signs them as sent.
        seen: set[tuple[str, ...]] = set()
        for host in self._hosts(received.get("host", "")):
            values = {name: received[name].strip() for name in signed} | {"host": host}
            for variant in (values, {k: v.lower() for k, v in values.items()}):
                key = tuple(variant[name] for name in signed)
                if key not in seen:
                    seen.add(key)
                    yield variant

    def _spend_nonce(self, secret_id: str, nonce: str, timestamp: int) -> None:
        now = self._clock()
        self._nonces = {k: until for k, until in self._nonces.items() if until >= now}
        if (secret_id, nonce) in self._nonces:
            raise SignatureFailure("Nonce was already used within the signature window (replay)")
        # Once the timestamp falls out of the skew window, the request is rejected anyway.
        self._nonces[(secret_id, nonce)] = timestamp + self._skew


def _parse_timestamp(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidAuthorization(f"Timestamp must be unix seconds, got {value!r}") from None
