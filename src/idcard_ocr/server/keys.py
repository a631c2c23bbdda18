"""The SecretKey table: keys from the settings plus a keys file that is re-read when it changes.

Operators add and revoke keys by editing the file; no restart. The file is looked at on
authentication, at most once per `check_seconds`, and re-read only when its modification
time or size changed, so a busy server does not stat it for every call.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from ..config import SettingsError, read_keys_file

__all__ = ["KeyStore"]

logger = logging.getLogger("idcard_ocr.server")


class KeyStore:
    """Callable as `secret_key(secret_id) -> SecretKey | None`, what `Authenticator` wants."""

    def __init__(
        self,
        static: Mapping[str, str],
        path: Path | None = None,
        *,
        check_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._static = dict(static)
        self._path = path
        self._check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._from_file: dict[str, str] = {}
        self._signature: tuple[int, int] | None = None
        self._checked_at = -float("inf")
        self._refresh(force=True)

    def __call__(self, secret_id: str) -> str | None:
        self._refresh()
        # The file wins: it is how a configured key gets rotated without a restart.
        return self._from_file.get(secret_id, self._static.get(secret_id))

    def _refresh(self, *, force: bool = False) -> None:
        if self._path is None:
            return
        now = self._clock()
        with self._lock:
            if not force and now - self._checked_at < self._check_seconds:
                return
            self._checked_at = now
            try:
                stat = os.stat(self._path)
            except OSError as exc:
                logger.warning("keys file unreadable, keeping the last keys: %s", exc)
                return
            signature = (stat.st_mtime_ns, stat.st_size)
            if signature == self._signature:
                return
            try:
                self._from_file = read_keys_file(self._path)
            except SettingsError as exc:
                # A half-written edit must not lock every client out.
                logger.warning("keys file not reloaded, keeping the last keys: %s", exc)
                return
            self._signature = signature
            logger.info("keys file %s loaded: %d key(s)", self._path, len(self._from_file))
