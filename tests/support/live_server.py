"""A real uvicorn server in a background thread, for tests that speak HTTP.

    with LiveServer(settings, reader) as server:
        client = make_client(server.port)

Works with any `CardReader`, the scripted fake or the real `Recognizer()`.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from idcard_ocr.config import Settings
from idcard_ocr.server import CardReader, create_app

__all__ = ["LiveServer"]


class LiveServer:
    """Serves `create_app(settings, reader)` on a free 127.0.0.1 port until the block ends."""

    def __init__(self, settings: Settings, reader: CardReader, start_timeout: float = 10.0) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(settings, reader), log_level="warning", access_log=False, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._start_timeout = start_timeout

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """What the SDK's HttpProfile(endpoint=...) wants: host:port, no scheme."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
