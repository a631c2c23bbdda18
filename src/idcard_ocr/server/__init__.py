"""The Tencent API 3.0 compatible HTTP service around an injected card reader."""

from __future__ import annotations

import logging

import uvicorn

from ..config import Settings
from .app import CardReader, create_app
from .workers import ProcessReader

__all__ = ["CardReader", "ProcessReader", "create_app", "serve"]


def serve(settings: Settings, reader: CardReader) -> None:
    """Run the HTTP service in this process until interrupted (keep-alive on); a
    `ProcessReader` is shut down with it."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    try:
        uvicorn.run(
            create_app(settings, reader),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            # Our own access line carries the RequestId; uvicorn's would duplicate it.
            access_log=False,
            # uvicorn's own lines go through the root handlers (JSON, redacted) too.
            log_config=None,
        )
    finally:
        if isinstance(reader, ProcessReader):
            reader.close()
