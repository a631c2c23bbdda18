"""Signature checking: the API.md vector, TC3 variants and legacy v1, as pure functions."""

from __future__ import annotations

import hashlib

import pytest

from idcard_ocr.errors import (
    InvalidAuthorization,
    SecretIdNotFound,
    SignatureExpire,
    SignatureFailure,
)
from idcard_ocr.server.auth import (
    Authenticator,
    SignedRequest,
    parse_tc3_authorization,
    tc3_canonical_request,
    tc3_signature,
)
from idcard_ocr.server.request import Tc3Credentials, V1Credentials, parse_call
from server_fakes import SECRET_ID, SECRET_KEY, tc3_headers, v1_form

VECTOR_BODY = b'{"ImageBase64": "aGVsbG8=", "CardSide": "FRONT", "CropPortrait": true}'
VECTOR_TIME = 1795527117
NOW = 1_700_000_000


def test_api_md_test_vector() -> None:
    request = SignedRequest(
        method="POST",
        query="",
        headers={"content-type": "application/json", "host": "127.0.0.1:8901"},
        body=VECTOR_BODY,
        timestamp=VECTOR_TIME,
    )
    canonical = tc3_canonical_request(request, ("content-type", "host"), request.headers)
    assert (
        hashlib.sha256(canonical.encode()).hexdigest()
        == "876989b74dcfe73a455bd1c61c43dd8c6ba910317724309dffb5b899cac6e1a1"
    )
    assert (
        tc3_signature("SECRETEXAMPLE", "2026-11-24", VECTOR_TIME, canonical)
        == "0054f498ea7d4fea405ccdc09602029ee4de9286e175333d29b82d7764f68f89"
    )
    auth = Authenticator({"AKIDEXAMPLE": "SECRETEXAMPLE"}.get, clock=lambda: float(VECTOR_TIME))
    header = (
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2026-11-24/ocr/tc3_request, "
        "SignedHeaders=content-type;host, "
        "Signature=0054f498ea7d4fea405ccdc09602029ee4de9286e175333d29b82d7764f68f89"
    )
    assert auth.check_tc3(parse_tc3_authorization(header), request) == "AKIDEXAMPLE"


def _authenticator(**kwargs: object) -> Authenticator:
    return Authenticator({SECRET_ID: SECRET_KEY}.get, clock=lambda: float(NOW), **kwargs)  # type: ignore[arg-type]


def _check_tc3(auth: Authenticator, headers: dict[str, str], body: bytes = b"{}") -> str:
    lower = {k.lower(): v for k, v in headers.items()}
    call = parse_call("POST", b"", lower, body)
    assert isinstance(call.credentials, Tc3Credentials)
    return auth.check_tc3(call.credentials.authorization, call.credentials.signed)


def test_tc3_accepts_sdk_signature() -> None:
    assert _check_tc3(_authenticator(), tc3_headers(b"{}", timestamp=NOW)) == SECRET_ID


def test_tc3_accepts_host_with_scheme_as_tccli_sends_it() -> None:
    headers = tc3_headers(b"{}", host="http://127.0.0.1:8000", timestamp=NOW)
    assert _check_tc3(_authenticator(), headers) == SECRET_ID


def test_tc3_accepts_configured_public_host_behind_a_proxy() -> None:
    headers = tc3_headers(b"{}", host="ocr.example.com", timestamp=NOW)
    headers["Host"] = "10.0.0.5:8000"  # rewritten by the proxy
    with pytest.raises(SignatureFailure):
        _check_tc3(_authenticator(), headers)
    assert _check_tc3(_authenticator(public_hosts=["ocr.example.com"]), headers) == SECRET_ID


def test_tc3_body_is_signed_as_raw_bytes() -> None:
    headers = tc3_headers(b'{"A": 1}', timestamp=NOW)
    with pytest.raises(SignatureFailure):
        _check_tc3(_authenticator(), headers, b'{"A":1}')


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"timestamp": NOW - 301}, SignatureExpire),
        ({"timestamp": NOW + 301}, SignatureExpire),
        ({"secret_id": "AKIDunknown"}, SecretIdNotFound),
        ({"secret_key": "wrong"}, SignatureFailure),
    ],
)
def test_tc3_failures(change: dict[str, object], error: type[Exception]) -> None:
    kwargs: dict[str, object] = {"timestamp": NOW} | change
    with pytest.raises(error):
        _check_tc3(_authenticator(), tc3_headers(b"{}", **kwargs))  # type: ignore[arg-type]


def test_tc3_skew_boundary_is_accepted() -> None:
    assert _check_tc3(_authenticator(), tc3_headers(b"{}", timestamp=NOW - 300)) == SECRET_ID


@pytest.mark.parametrize(
    "header",
    [
        "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/ocr/tc3_request, Signature=00",
        "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/ocr, SignedHeaders=host, Signature=" + "0" * 64,
        "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/ocr/tc3_request, SignedHeaders=host, "
        "Signature=" + "0" * 64,
        "TC3-HMAC-SHA256 garbage",
    ],
)
def test_malformed_authorization(header: str) -> None:
    with pytest.raises(InvalidAuthorization):
        parse_tc3_authorization(header)


def test_signed_lower_cased_action_header_like_tencent_demos() -> None:
    import datetime as dt

    from tencentcloud.common.sign import Sign

    date = dt.datetime.fromtimestamp(NOW, dt.UTC).strftime("%Y-%m-%d")
    canonical = (
        "POST\n/\n\ncontent-type:application/json\nhost:testserver\n"
        "x-tc-action:recognizemainlandidcardocr\n\ncontent-type;host;x-tc-action\n"
        + hashlib.sha256(b"{}").hexdigest()
    )
    scope = f"{date}/ocr/tc3_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    sig = Sign.sign_tc3(SECRET_KEY, date, "ocr", f"TC3-HMAC-SHA256\n{NOW}\n{scope}\n{digest}")
    headers = tc3_headers(b"{}", timestamp=NOW)
    headers["Authorization"] = (
        f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{scope}, "
        f"SignedHeaders=content-type;host;x-tc-action, Signature={sig}"
    )
    assert _check_tc3(_authenticator(), headers) == SECRET_ID


def _check_v1(auth: Authenticator, form: str) -> str:
    call = parse_call("POST", b"", {"host": "testserver"}, form.encode())
    assert isinstance(call.credentials, V1Credentials)
    creds = call.credentials
    return auth.check_v1(creds.params, creds.method, creds.host)


@pytest.mark.parametrize("method", ["HmacSHA1", "HmacSHA256"])
def test_v1_signatures(method: str) -> None:
    form = v1_form(
        {"ImageBase64": "aGVsbG8=", "CropPortrait": True}, sign_method=method, timestamp=NOW
    )
    assert _check_v1(_authenticator(), form) == SECRET_ID


def test_v1_nonce_replay_is_refused() -> None:
    auth = _authenticator()
    form = v1_form({"ImageBase64": "aGVsbG8="}, nonce=42, timestamp=NOW)
    assert _check_v1(auth, form) == SECRET_ID
    with pytest.raises(SignatureFailure, match="replay"):
        _check_v1(auth, form)


def test_v1_wrong_key_and_expired() -> None:
    with pytest.raises(SignatureFailure):
        _check_v1(_authenticator(), v1_form({}, secret_key="nope", timestamp=NOW))
    with pytest.raises(SignatureExpire):
        _check_v1(_authenticator(), v1_form({}, timestamp=NOW - 1000))
