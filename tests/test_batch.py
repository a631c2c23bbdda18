"""`idcard-ocr batch`: interrupted, resumed, each photo once with the API's fields."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cards import posed_photo
from idcard_ocr.batch import Record, find_inputs, open_output

COUNT = 20
CLI = Path(sys.executable).with_name("idcard-ocr")


def make_inputs(folder: Path) -> dict[str, dict[str, str]]:
    """20 generated cards, fronts and backs, and one file that is no image: path -> truth."""
    folder.mkdir()
    truth: dict[str, dict[str, str]] = {}
    for index in range(COUNT):
        card = posed_photo(7000 + index, ("FRONT", "BACK")[index % 2], angle=index % 7 - 3.0)
        path = folder / f"card{index:02d}.jpg"
        path.write_bytes(card.jpeg)
        truth[str(path)] = card.expected
    (folder / "broken.jpg").write_bytes(b"this is not a photo")
    (folder / "notes.txt").write_text("not an image suffix: ignored")
    return truth


def run(folder: Path, out: Path) -> subprocess.Popen[str]:
    command = [str(CLI), "batch", str(folder), "--out", str(out), "--workers", "2"]
    env = {**os.environ, "COLUMNS": "250"}  # the summary table on one line per row
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def wait_for_lines(out: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 180
    while not out.exists() or len(out.read_text().splitlines()) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no results within 3 minutes"
        time.sleep(0.05)


def test_interrupted_batch_resumes_and_reads_each_photo_once(tmp_path: Path) -> None:
    truth = make_inputs(tmp_path / "in")
    out = tmp_path / "results.jsonl"

    first = run(tmp_path / "in", out)
    wait_for_lines(out, 3, first)
    first.send_signal(signal.SIGINT)
    first_stdout, stderr = first.communicate(timeout=120)
    assert first.returncode == 130, stderr
    assert "run the same command again to resume" in first_stdout
    interrupted = len(out.read_text().splitlines())
    assert 3 <= interrupted < COUNT + 1

    second = run(tmp_path / "in", out)
    stdout, stderr = second.communicate(timeout=600)
    assert second.returncode == 0, stderr
    assert f"already in the output │ {interrupted}" in stdout
    assert "failed: FailedOperation.ImageDecodeFailed" in first_stdout + stdout

    records = [json.loads(line) for line in out.read_text().splitlines()]
    files = [record["File"] for record in records]
    assert sorted(files) == sorted([*truth, str(tmp_path / "in" / "broken.jpg")])  # each once
    for record in records:
        if record["File"].endswith("broken.jpg"):
            assert record["Error"]["Code"] == "FailedOperation.ImageDecodeFailed"
            continue
        expected = truth[record["File"]]
        assert {key: record[key] for key in expected} == expected, record["File"]
        assert all(
            record[key] == "" for key in set(record) - set(expected) - {"File", "WarnCardInfos"}
        )
        assert isinstance(record["WarnCardInfos"], list)


def test_a_torn_last_line_is_dropped_and_read_again(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text('{"File": "a.jpg", "Name": "x"}\n{"File": "b.jp')  # killed mid-write
    output, done = open_output(out)
    output.write(Record("b.jpg", fields={"Name": "y", "WarnCardInfos": [-9108]}))
    output.close()
    assert done == {"a.jpg"}
    assert [json.loads(line)["File"] for line in out.read_text().splitlines()] == ["a.jpg", "b.jpg"]


def test_csv_output_resumes_by_file_column(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    output, done = open_output(out)
    output.write(Record("a.jpg", fields={"Name": "李明", "WarnCardInfos": [-9101, -9108]}))
    output.write(Record("b.jpg", error=("FailedOperation.ImageNoIdCard", "no card")))
    output.close()
    assert done == set()
    output, done = open_output(out)
    output.close()
    assert done == {"a.jpg", "b.jpg"}
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Name"] == "李明" and rows[0]["WarnCardInfos"] == "[-9101, -9108]"
    assert rows[1]["ErrorCode"] == "FailedOperation.ImageNoIdCard" and rows[1]["IdNum"] == ""


def test_inputs_by_directory_or_glob(tmp_path: Path) -> None:
    for name in ("a.JPG", "b.png", "c.txt", "sub/d.bmp"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p in find_inputs(str(tmp_path))] == ["a.JPG", "b.png", "d.bmp"]
    assert [Path(p).name for p in find_inputs(str(tmp_path / "*.png"))] == ["b.png"]


def test_unknown_output_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.jsonl or \.csv"):
        open_output(tmp_path / "results.txt")
