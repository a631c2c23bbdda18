"""Speed on a freshly generated synthetic photo set: in-process latency, HTTP throughput, cold start.

    .venv/bin/python bench/speed.py --count 40
    .venv/bin/python bench/speed.py --count 12 --levels 1,2 --requests-per-level 8

One run measures (a) our pipeline's per-image latency in process, (b) the naive baseline
(RapidOCR defaults on the whole image + our parser) on the same images, (c) throughput of the
real `idcard-ocr serve` through the official Tencent SDK at several client concurrencies, and
(d) the server's cold start (launch to first answered card) and peak RSS (VmHWM). Only photos
that hold a card are used; all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from _common import ROOT
from accuracy import Case, Method, attempt, naive, ours, photo_cases
from idcard_ocr import Recognizer

SECRET_ID = "AKIDbench000000000000000000000000000"
SECRET_KEY = "benchsecretkey0000000000000000000"
REGION = "ap-singapore"
STARTUP_TIMEOUT_S = 180.0
REQUEST_TIMEOUT_S = 60


@dataclass
class Deadline:
    """The wall-clock limit of the whole run; every loop checks it."""

    end: float

    def left(self) -> float:
        return self.end - time.monotonic()

    def passed(self) -> bool:
        return self.left() <= 0


@dataclass
class Timings:
    """Latencies (ms) of one method or concurrency level, and how many calls failed."""

    ms: list[float] = field(default_factory=list)
    errors: int = 0
    skipped: int = 0
    wall_s: float = 0.0
    first_error: str = ""

    def pct(self, q: float) -> float:
        return float(np.percentile(self.ms, q)) if self.ms else float("nan")

    def mean(self) -> float:
        return float(np.mean(self.ms)) if self.ms else float("nan")


@dataclass
class ServerStats:
    cold_start_s: float = float("nan")
    peak_rss_kb: int | None = None
    levels: dict[int, Timings] = field(default_factory=dict)
    max_concurrency: int = 0


def card_cases(seed: int, count: int) -> list[Case]:
    """The photos of the set that hold a card (error categories skipped), as JPEG."""
    return [case for case in photo_cases(seed, count) if case.expected_error is None]


# (a) + (b): in process ---------------------------------------------------------------------


def time_method(method: Method, cases: list[Case], deadline: Deadline) -> Timings:
    timings = Timings()
    start = time.perf_counter()
    for case in cases:
        if deadline.passed():
            timings.skipped += 1
            continue
        outcome = attempt(method, case)
        timings.ms.append(outcome.ms)
        if outcome.code != "none":
            timings.errors += 1
            timings.first_error = timings.first_error or f"{case.label}: {outcome.code}"
    timings.wall_s = time.perf_counter() - start
    return timings


def in_process(cases: list[Case], baseline: bool, deadline: Deadline) -> dict[str, Timings]:
    methods: dict[str, Method] = {"ours": ours(Recognizer())}
    if baseline:
        methods["naive RapidOCR"] = naive()
    results: dict[str, Timings] = {}
    for name, method in methods.items():
        attempt(method, cases[0])  # warm-up: model load and first-call allocations
        results[name] = time_method(method, cases, deadline)
    return results


def latency_row(name: str, timings: Timings) -> list[str]:
    done = len(timings.ms)
    return [
        name,
        f"{done}" + (f" (+{timings.skipped} skipped)" if timings.skipped else ""),
        f"{timings.errors}",
        f"{timings.pct(50):.0f}",
        f"{timings.pct(95):.0f}",
        f"{timings.mean():.0f}",
        f"{done / timings.wall_s:.2f}" if timings.wall_s else "-",
    ]


# (c) + (d): through the HTTP server ---------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "idcard-ocr"
    if not script.exists():
        script = ROOT / ".venv" / "bin" / "idcard-ocr"
    return [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)]


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDCARD_OCR_")}
    env["IDCARD_OCR_KEYS"] = f"{SECRET_ID}:{SECRET_KEY}"
    env["IDCARD_OCR_RATE_LIMIT_PER_SECOND"] = "10000"
    return env


def make_client(port: int) -> Any:
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.ocr.v20181119 import ocr_client

    http = HttpProfile(
        protocol="http",
        endpoint=f"127.0.0.1:{port}",
        reqTimeout=REQUEST_TIMEOUT_S,
        keepAlive=True,
    )
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    return ocr_client.OcrClient(cred, REGION, ClientProfile(httpProfile=http))


def send(client: Any, image_b64: str) -> None:
    from tencentcloud.ocr.v20181119 import models

    request = models.RecognizeMainlandIDCardOCRRequest()
    request.ImageBase64 = image_b64
    client.RecognizeMainlandIDCardOCR(request)


def wait_first_answer(proc: subprocess.Popen[bytes], port: int, image_b64: str) -> float:
    """Seconds from now until the server answers a card photo; raises if it dies or stalls."""
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )

    client, start = make_client(port), time.monotonic()
    while time.monotonic() - start < STARTUP_TIMEOUT_S:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            send(client, image_b64)
            return time.monotonic() - start
        except TencentCloudSDKException as exc:
            if exc.get_code() != "ClientNetworkError":
                raise RuntimeError(f"first request failed: {exc}") from None
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {STARTUP_TIMEOUT_S:.0f} s")


def worker(
    port: int, images: list[str], indices: range, deadline: Deadline, lock: threading.Lock
) -> Timings:
    """One thread, one SDK client: send images[indices] in turn, timing each call."""
    client, mine = make_client(port), Timings()
    for index in indices:
        if deadline.passed():
            mine.skipped += 1
            continue
        start = time.perf_counter()
        try:
            send(client, images[index % len(images)])
        except Exception as exc:  # any SDK exception (or crash) is an error: only cards are sent
            mine.errors += 1
            mine.first_error = mine.first_error or str(exc)[:120]
        with lock:
            mine.ms.append((time.perf_counter() - start) * 1000)
    return mine


def run_level(
    port: int, images: list[str], concurrency: int, total: int, deadline: Deadline
) -> Timings:
    lock, merged = threading.Lock(), Timings()
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [
            pool.submit(worker, port, images, range(i, total, concurrency), deadline, lock)
            for i in range(concurrency)
        ]
        parts = [future.result() for future in futures]
    merged.wall_s = time.perf_counter() - start
    for part in parts:
        merged.ms += part.ms
        merged.errors += part.errors
        merged.skipped += part.skipped
        merged.first_error = merged.first_error or part.first_error
    return merged
