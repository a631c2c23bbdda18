"""Structured logs: one JSON object per line, and the masks that keep card holders out of them.

The access log carries RequestId, SecretId, action, error code and latency, never what was
read. Should a personal value ever need logging, it goes through `mask_id_number` or
`mask_name` first; `RedactingFilter` is the safety net for anything that slips through.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

__all__ = [
    "RedactingFilter",
    "configure_logging",
    "mask_id_number",
    "mask_name",
    "redact",
]

# 18-character resident ID numbers and the 15-digit numbers of first-generation cards.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """Keep the region prefix and the last four: `4401**********0011`."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(value: str) -> str:
    """Keep the first character only: `李*`, `买买提**` becomes `买*****`."""
    return value[:1] + "*" * (len(value) - 1) if value else ""


def redact(text: str) -> str:
    """`text` with every ID-number-shaped run of digits masked."""
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)


class RedactingFilter(logging.Filter):
    """Masks ID numbers in a record's final message, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str = "INFO", *, stream: TextIO | None = None) -> None:
    """Send every logger's records to `stream` (stderr) as JSON lines, redacted.

    Replaces the root handlers, so a later `logging.basicConfig` is a no-op.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
