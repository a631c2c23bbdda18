"""Speed on a fresh synthetic photo set: in-process latency, HTTP throughput, cold start.

    .venv/bin/python bench/speed.py --count 40
    .venv/bin/python bench/speed.py --count 12 --levels 1,2 --requests-per-level 8

One run measures (a) our pipeline's per-image latency in process, (b) the naive baseline
(RapidOCR defaults on the whole image + our parser) on the same images, (c) throughput of the
real `idcard-ocr serve` through the official Tencent SDK at several client concurrencies, and
(d) the server's cold start (launch to first answered card) and peak RSS (VmHWM). Only photos
that hold a card are used; all traffic goes to 127.0.0.1.

The server's CPU time a card (its process and workers, user + system, at each concurrency)
moves less than throughput on a shared machine, and bounds it: N cores at full use read at
most N * 1000 / (CPU ms a card) cards/s.
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from _common import ROOT, print_table
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
    server_cpu_ms: float = float("nan")
    """CPU time (user + system) the server and its workers spent, over all calls."""

    def pct(self, q: float) -> float:
        return float(np.percentile(self.ms, q)) if self.ms else float("nan")

    def mean(self) -> float:
        return float(np.mean(self.ms)) if self.ms else float("nan")


@dataclass
class ServerStats:
    cold_start_s: float = float("nan")
    peak_rss_kb: int | None = None
    worker_rss_kb: list[int] = field(default_factory=list)
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


FLUSHED_NAIVE = "naive, subnormals flushed"


def in_process(
    cases: list[Case], baseline: bool, flushed: bool, deadline: Deadline
) -> dict[str, Timings]:
    methods: dict[str, Method] = {"ours": ours(Recognizer())}
    if baseline:
        methods["naive RapidOCR"] = naive()
    if flushed:
        methods[FLUSHED_NAIVE] = naive(flushed=True)
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
            code = str(exc.get_code())
            if code.startswith("AuthFailure"):
                raise RuntimeError(f"first request refused: {exc}") from None
            if code != "ClientNetworkError":  # the server answered, if only with an OCR error
                print(f"note: first answer was an error: {code}", file=sys.stderr)
                return time.monotonic() - start
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {STARTUP_TIMEOUT_S:.0f} s")


def worker(port: int, images: list[str], indices: range, deadline: Deadline) -> Timings:
    """One thread, one SDK client: send images[indices] in turn, timing each answered call."""
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
            mine.first_error = mine.first_error or str(exc)[:160]
            continue
        mine.ms.append((time.perf_counter() - start) * 1000)
    return mine


def run_level(
    port: int, images: list[str], concurrency: int, total: int, deadline: Deadline
) -> Timings:
    merged = Timings()
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [
            pool.submit(worker, port, images, range(i, total, concurrency), deadline)
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


def descendants(pid: int) -> list[int]:
    """The processes started by `pid` and by them (the recognition workers)."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []
    return children + [d for c in children for d in descendants(c)]


def cpu_ms(pids: list[int]) -> float:
    """CPU time (user + system, ms) the processes have used so far; those gone count 0."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def vm_hwm_kb(pid: int) -> int | None:
    """Peak resident set size of `pid` (VmHWM, kB), or None if it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def print_log_tail(log: IO[bytes], lines: int = 20) -> None:
    log.seek(0)
    tail = log.read().decode(errors="replace").splitlines()[-lines:]
    print("server log (tail):", *tail, sep="\n  ", file=sys.stderr)


def http_bench(cases: list[Case], args: argparse.Namespace, deadline: Deadline) -> ServerStats:
    images = [base64.b64encode(case.image).decode("ascii") for case in cases]
    port, stats = free_port(), ServerStats(max_concurrency=os.cpu_count() or 1)
    with tempfile.TemporaryFile() as log:
        launched = time.monotonic()
        proc = subprocess.Popen(
            server_command(port), env=server_env(), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_first_answer(proc, port, images[0])
            stats.cold_start_s = time.monotonic() - launched
            # The first answer warmed one worker process; the others' first calls are not
            # what a server that has been up a while shows.
            run_level(port, images, stats.max_concurrency, 2 * stats.max_concurrency, deadline)
            processes = [proc.pid, *descendants(proc.pid)]
            for level in args.levels:
                if deadline.passed():
                    break
                total = args.requests_per_level or max(32, 8 * level)
                before = cpu_ms(processes)
                stats.levels[level] = run_level(port, images, level, total, deadline)
                stats.levels[level].server_cpu_ms = cpu_ms(processes) - before
            stats.peak_rss_kb = vm_hwm_kb(proc.pid)
            stats.worker_rss_kb = [kb for p in descendants(proc.pid) if (kb := vm_hwm_kb(p))]
        except RuntimeError:
            print_log_tail(log)
            raise
        finally:
            stop_server(proc)
    return stats


def level_row(level: int, timings: Timings) -> list[str]:
    answered = len(timings.ms)
    return [
        f"{level}",
        f"{answered + timings.errors}"
        + (f" (+{timings.skipped} skipped)" if timings.skipped else ""),
        f"{answered / timings.wall_s:.2f}" if timings.wall_s else "-",
        f"{timings.pct(50):.0f}",
        f"{timings.pct(95):.0f}",
        f"{timings.server_cpu_ms / answered:.0f}" if answered else "-",
        f"{timings.errors}",
        timings.first_error,
    ]


# report -------------------------------------------------------------------------------------


def _mb(kb: int | None) -> str:
    return f"{kb / 1024:.0f} MB" if kb is not None else "-"


def summary_rows(local: dict[str, Timings], server: ServerStats | None) -> list[list[str]]:
    rows = [
        [f"{name} p50 / p95 (in process)", f"{t.pct(50):.0f} / {t.pct(95):.0f} ms"]
        for name, t in local.items()
    ]
    own_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    rows.append(["bench process peak RSS (both engines)", _mb(own_kb)])
    if server is None:
        return rows
    for level, timings in server.levels.items():
        rate = len(timings.ms) / timings.wall_s if timings.wall_s else 0.0
        rows.append([f"HTTP cards/s at concurrency {level}", f"{rate:.2f}"])
    rows.append(
        ["server cold start (launch to first card answered)", f"{server.cold_start_s:.1f} s"]
    )
    rows.append(["server process peak RSS (VmHWM)", _mb(server.peak_rss_kb)])
    if server.worker_rss_kb:
        shown = ", ".join(_mb(kb) for kb in server.worker_rss_kb)
        rows.append([f"{len(server.worker_rss_kb)} worker processes peak RSS", shown])
    return rows


def print_ratios(local: dict[str, Timings], server: ServerStats | None) -> None:
    ours_p50 = local["ours"].pct(50)
    for name in ("naive RapidOCR", FLUSHED_NAIVE):
        if name in local:
            ratio = local[name].pct(50) / ours_p50
            word = "faster" if ratio >= 1 else "slower"
            shown = ratio if ratio >= 1 else 1 / ratio
            print(f"ours is {shown:.1f}x {word} than {name} (p50)")
    if server is None or not server.levels:
        return
    rates = {lv: len(t.ms) / t.wall_s for lv, t in server.levels.items() if t.wall_s and t.ms}
    if 1 in server.levels and server.levels[1].ms:
        extra = server.levels[1].pct(50) - ours_p50
        print(
            f"HTTP at concurrency 1 adds {extra:.0f} ms to the in-process p50 "
            f"({server.levels[1].pct(50) / ours_p50:.2f}x)"
        )
    busiest = max(server.levels)
    if server.levels[busiest].ms:
        per_card = server.levels[busiest].server_cpu_ms / len(server.levels[busiest].ms)
        print(
            f"server CPU {per_card:.0f} ms a card at concurrency {busiest}: at most "
            f"{server.max_concurrency * 1000 / per_card:.2f} cards/s on "
            f"{server.max_concurrency} cores"
        )
    if 1 in rates and len(rates) > 1:
        best = max(rates, key=rates.__getitem__)
        print(
            f"best throughput {rates[best]:.2f} cards/s at concurrency {best}, "
            f"{rates[best] / rates[1]:.2f}x concurrency 1 "
            f"(server max_concurrency {server.max_concurrency})"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=40, help="photos generated (cards used)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--levels", type=_levels, default=[1, 2, 4, 8])
    parser.add_argument(
        "--requests-per-level",
        type=int,
        default=0,
        help="default max(32, 8 * concurrency): enough rounds for a sustained rate",
    )
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--flushed-baseline",
        action="store_true",
        help="also time the naive baseline with its models' subnormal weights set to zero",
    )
    parser.add_argument("--time-limit", type=float, default=1800.0, help="seconds, whole run")
    return parser.parse_args()


def _levels(text: str) -> list[int]:
    levels = [int(part) for part in text.split(",") if part.strip()]
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("levels must be positive integers, e.g. 1,2,4,8")
    return levels


def main() -> None:
    args = parse_args()
    deadline = Deadline(time.monotonic() + args.time_limit)
    cases = card_cases(args.seed, args.count)
    if not cases:
        sys.exit("no card photos in the set: raise --count")
    local = in_process(cases, not args.skip_baseline, args.flushed_baseline, deadline)
    title = f"in process: {len(cases)} card photos of {args.count}, seed {args.seed}"
    header = ["method", "images", "errors", "p50 ms", "p95 ms", "mean ms", "images/s"]
    print_table(title, header, [latency_row(name, t) for name, t in local.items()])
    server = None if args.skip_http else http_bench(cases, args, deadline)
    if server is not None:
        header = [
            "concurrency",
            "requests",
            "cards/s",
            "p50 ms",
            "p95 ms",
            "server CPU ms/card",
            "errors",
            "first error",
        ]
        rows = [level_row(level, t) for level, t in server.levels.items()]
        print_table(f"HTTP via Tencent SDK, keep-alive, {len(cases)} photos", header, rows)
    print_table("summary", ["measure", "value"], summary_rows(local, server))
    print_ratios(local, server)
    if deadline.passed():
        print(f"time limit of {args.time_limit:.0f} s reached: some measurements were skipped")


if __name__ == "__main__":
    main()
