"""The server's recognition processes: same answers as in process, errors carried back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from cards import flat_card, png
from idcard_ocr.errors import NoIdCard, OcrFailed
from idcard_ocr.server import ProcessReader


@pytest.fixture(scope="module")
def reader() -> Iterator[ProcessReader]:
    pool = ProcessReader(processes=1, threads=1)
    pool.start()
    yield pool
    pool.close()


def test_loads_its_models_before_the_first_call(reader: ProcessReader) -> None:
    assert reader.ready()


def test_reads_a_card_in_a_worker_process(reader: ProcessReader) -> None:
    image, expected = flat_card(31, "BACK", 900)
    result = reader(image, card_side=None, crop_portrait=False, crop_id_card=True, thresholds={})
    assert result.tencent_fields()["Authority"] == expected["Authority"]
    assert result.tencent_fields()["ValidDate"] == expected["ValidDate"]
    assert result.card_jpeg.startswith(b"\xff\xd8")


def test_workers_load_the_models_prepared_for_them(reader: ProcessReader) -> None:
    """The server process rewrites and quantises the models: its workers never import the
    ONNX tooling that does it (44 MB of memory each)."""
    pool = reader._current_pool()
    query = "sorted(m for m in __import__('sys').modules if m.split('.')[0] == 'onnx')"
    assert pool.submit(eval, query).result() == []


def test_a_killed_process_fails_its_call_and_the_next_call_reads_on_a_new_pool() -> None:
    reader = ProcessReader(processes=1, threads=1)
    reader.start()
    image, expected = flat_card(37, "BACK", 900)
    try:
        os.kill(reader._current_pool().submit(os.getpid).result(), signal.SIGKILL)
        with pytest.raises(OcrFailed):
            for _ in range(20):  # the pool learns of the death a moment later
                reader(
                    image, card_side=None, crop_portrait=False, crop_id_card=False, thresholds={}
                )
                time.sleep(0.1)
        result = reader(
            image, card_side=None, crop_portrait=False, crop_id_card=False, thresholds={}
        )
        assert result.tencent_fields()["Authority"] == expected["Authority"]
    finally:
        reader.close()


def test_errors_come_back_as_raised(reader: ProcessReader) -> None:
    blank = png(np.full((400, 600, 3), 200, np.uint8))
    with pytest.raises(NoIdCard):
        reader(blank, card_side=None, crop_portrait=False, crop_id_card=False, thresholds=None)


def test_workers_end_when_the_server_is_killed() -> None:
    """A server killed outright cannot shut its pool down: its workers must notice alone."""
    script = (
        "import time; from idcard_ocr.server import ProcessReader; "
        "ProcessReader(processes=1, threads=1).start(); print('ready', flush=True); time.sleep(120)"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as server:
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            workers = _children(server.pid)
        finally:
            server.kill()  # also when the test fails: the block waits for the server
    assert workers
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _running(pid)]


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:  # a thread may end between the listing and the reading
            children += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return children


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever reaps it here)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status
