"""Settings: defaults, TOML file, environment overrides in one place, demo keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from idcard_ocr.config import Settings, SettingsError, load_settings


def test_defaults_need_no_file_and_generate_a_demo_key() -> None:
    settings = load_settings(None, {})
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.rate_limit_per_second == 20
    assert settings.max_body_bytes == 10 * 1024 * 1024
    assert settings.max_image_base64_bytes == 7 * 1024 * 1024
    assert settings.timestamp_skew_seconds == 300
    assert settings.allow_private_urls is False
    assert settings.demo_keys is True
    [(secret_id, secret_key)] = settings.keys.items()
    assert secret_id.startswith("AKID") and len(secret_id) == 36
    assert len(secret_key.get_secret_value()) == 32
    assert secret_key.get_secret_value() not in repr(settings)
    assert load_settings(None, {}).keys != settings.keys  # random each start


def test_toml_file_then_environment(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        'port = 9000\nmax_queue = 3\npublic_hosts = ["ocr.example.com"]\n'
        '[keys]\nAKIDfile = "filekey"\n'
    )
    environ = {"IDCARD_OCR_PORT": "9100", "HOME": "/ignored", "IDCARD_OCR_LOG_LEVEL": "DEBUG"}
    settings = load_settings(path, environ)
    assert settings.port == 9100 and settings.max_queue == 3
    assert settings.public_hosts == ("ocr.example.com",)
    assert settings.secret_key("AKIDfile") == "filekey"
    assert settings.demo_keys is False and settings.log_level == "DEBUG"


def test_environment_keys_and_lists() -> None:
    environ = {
        "IDCARD_OCR_KEYS": "id1:key1, id2:key2",
        "IDCARD_OCR_PUBLIC_HOSTS": "a.example.com, b.example.com:8443",
        "IDCARD_OCR_ALLOW_PRIVATE_URLS": "true",
    }
    settings = load_settings(None, environ)
    assert settings.secret_key("id1") == "key1" and settings.secret_key("id2") == "key2"
    assert settings.secret_key("id3") is None
    assert settings.public_hosts == ("a.example.com", "b.example.com:8443")
    assert settings.allow_private_urls is True


@pytest.mark.parametrize(
    ("toml", "environ", "match"),
    [
        ("prot = 1\n", {}, "prot"),
        ("", {"IDCARD_OCR_PROT": "1"}, "IDCARD_OCR_PROT"),
        ("", {"IDCARD_OCR_KEYS": "nocolon"}, "id1:key1"),
        ("port = 'eighty'\n", {}, "port"),
        ("max_concurrency = 0\n", {}, "max_concurrency"),
        ("demo_keys = true\n", {}, "demo_keys"),
        ("port = \n", {}, "cannot read"),
    ],
)
def test_bad_settings_are_clear_errors(
    tmp_path: Path, toml: str, environ: dict[str, str], match: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(toml)
    with pytest.raises(SettingsError, match=match):
        load_settings(path, environ)


def test_settings_are_frozen_and_strict() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.port = 1
    with pytest.raises(ValidationError):
        Settings(colour="blue")  # type: ignore[call-arg]
