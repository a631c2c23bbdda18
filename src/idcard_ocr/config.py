"""Service settings: embedded defaults, then an optional TOML file, then `IDCARD_OCR_*` variables.

Settings are validated once, at start; an unknown key anywhere is an error rather than a
silently ignored typo.
"""

from __future__ import annotations

import os
import secrets
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from .int8 import Precision
from .result import AlarmKind

__all__ = [
    "ENV_PREFIX",
    "Settings",
    "SettingsError",
    "generate_key_pair",
    "load_settings",
    "read_keys_file",
]

ENV_PREFIX = "IDCARD_OCR_"
MB = 1024 * 1024


def _cpu_count() -> int:
    return os.cpu_count() or 1


class SettingsError(ValueError):
    """The settings file or environment holds an unknown key or an invalid value."""


class Settings(BaseModel):
    """Everything the server can be told; keyword-only, immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    keys: dict[str, SecretStr] = Field(default_factory=dict)
    """SecretId -> SecretKey."""
    keys_file: Path | None = None
    """More keys, one `SecretId:SecretKey` a line; re-read when it changes, no restart."""
    keys_file_check_seconds: float = Field(default=1.0, ge=0)
    """How often at most a call looks at the keys file's modification time."""
    demo_keys: bool = False
    """True when `load_settings` generated `keys` because none were configured."""
    public_hosts: tuple[str, ...] = ()
    """Host values clients may have signed besides the one received (proxies, apigw)."""
    rate_limit_per_second: float = Field(default=20.0, gt=0)
    max_concurrency: int = Field(default_factory=_cpu_count, ge=1)
    worker_processes: int = Field(default_factory=_cpu_count, ge=0)
    """Recognition processes, each with its share of the cores as inference threads; 0
    recognises in threads of the server process instead."""
    max_queue: int = Field(default=32, ge=0)
    precision: Precision = "int8"
    """The recogniser's convolutions in int8 (less CPU a card) or all in float32."""
    timestamp_skew_seconds: int = Field(default=300, ge=1)
    max_body_bytes: int = Field(default=10 * MB, ge=1)
    max_image_base64_bytes: int = Field(default=7 * MB, ge=1)
    image_url_timeout_seconds: float = Field(default=10.0, gt=0)
    # Tencent's limit is 7 MB after base64 encoding, i.e. 3/4 of that as raw bytes.
    image_url_max_bytes: int = Field(default=7 * MB * 3 // 4, ge=1)
    allow_private_urls: bool = False
    alarm_thresholds: dict[AlarmKind, float] = Field(default_factory=dict)
    """Alarm name -> score at which it is raised; unset kinds keep the measured defaults."""
    web_page_enabled: bool = True
    """The demo page at GET / and its unsigned same-origin endpoint POST /web/recognize."""
    log_json: bool = True
    """One JSON object per log line; false for plain text."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    def secret_key(self, secret_id: str) -> str | None:
        """The SecretKey of `secret_id`, or None when it is not configured."""
        key = self.keys.get(secret_id)
        return key.get_secret_value() if key is not None else None


def load_settings(path: Path | None, environ: Mapping[str, str]) -> Settings:
    """Defaults, overlaid by the TOML file at `path` (if any), overlaid by `IDCARD_OCR_*`."""
    data: dict[str, Any] = {}
    if path is not None:
        data.update(_read_toml(path))
    data.update(_from_environ(environ))
    if "demo_keys" in data:
        raise SettingsError("demo_keys is set by the server itself and cannot be configured")
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        source = f"{path} and the environment" if path else "the environment"
        raise SettingsError(f"invalid settings (from {source}):\n{exc}") from None
    if settings.keys_file is not None:
        read_keys_file(settings.keys_file)  # refuse to start on an unreadable file
    elif not settings.keys:
        secret_id, secret_key = generate_key_pair()
        settings = settings.model_copy(
            update={"keys": {secret_id: SecretStr(secret_key)}, "demo_keys": True}
        )
    return settings


def generate_key_pair() -> tuple[str, str]:
    """A random (SecretId, SecretKey) shaped like Tencent's: AKID + 32 characters, and 32."""
    alphabet = string.ascii_letters + string.digits
    secret_id = "AKID" + "".join(secrets.choice(alphabet) for _ in range(32))
    secret_key = "".join(secrets.choice(alphabet) for _ in range(32))
    return secret_id, secret_key


def read_keys_file(path: Path) -> dict[str, str]:
    """`SecretId:SecretKey` lines; blank lines and `#` comments are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read keys file {path}: {exc}") from None
    keys: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        secret_id, sep, secret_key = (part.strip() for part in line.partition(":"))
        if not sep or not secret_id or not secret_key:
            # The line number only: the line itself may hold a secret.
            raise SettingsError(f"{path}:{number}: expected SecretId:SecretKey")
        keys[secret_id] = secret_key
    return keys


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from None


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """The one place environment variables become settings; values stay strings for pydantic."""
    fields = set(Settings.model_fields) - {"demo_keys"}
    data: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        field = name[len(ENV_PREFIX) :].lower()
        if field not in fields:
            known = ", ".join(ENV_PREFIX + f.upper() for f in sorted(fields))
            raise SettingsError(f"unknown environment variable {name}; known: {known}")
        data[field] = _env_value(field, name, value)
    return data


def _env_value(field: str, name: str, value: str) -> Any:
    if field == "keys":
        return _parse_pairs(name, value, "id1:key1,id2:key2")
    if field == "alarm_thresholds":
        return _parse_pairs(name, value, "blurry:0.6,reflective:0.4")
    if field == "public_hosts":
        return tuple(host.strip() for host in value.split(",") if host.strip())
    return value


def _parse_pairs(name: str, value: str, example: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for pair in filter(None, (item.strip() for item in value.split(","))):
        key, sep, item = pair.partition(":")
        if not sep or not key or not item:
            raise SettingsError(f"{name} must look like {example!r}")
        pairs[key] = item
    return pairs
