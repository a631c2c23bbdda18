"""`idcard-ocr batch`: many photos through worker processes into a resumable JSONL or CSV file.

Each worker process builds its own `Recognizer` once (the OCR is CPU-bound, so threads would
only take turns). Every result is written and flushed as soon as it arrives, so an interrupted
run loses at most the photos in flight; running the same command again skips every file
already in the output and repairs a line torn by a hard kill.
"""

from __future__ import annotations

import csv
import glob
import json
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from .details import details
from .errors import IdCardOcrError, ImageDecodeFailed, InternalError
from .result import TENCENT_FIELDS, CardSide

if TYPE_CHECKING:  # the engine is imported where a run needs it: it is heavy
    from .engine import PreparedModels

__all__ = [
    "CSV_COLUMNS",
    "BatchOptions",
    "Record",
    "Summary",
    "find_inputs",
    "open_output",
    "run_batch",
]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})
CSV_COLUMNS = ("File", *TENCENT_FIELDS, "WarnCardInfos", "ErrorCode", "ErrorMessage")


@dataclass(frozen=True)
class BatchOptions:
    side: CardSide | None = None
    details: bool = False
    """Add the API's `Details` object to each JSONL line."""
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)


@dataclass(frozen=True)
class Record:
    """One photo's outcome: the API's fields, or its error, never both."""

    file: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    error: tuple[str, str] | None = None
    """(Tencent error code, message)."""
    alarms: tuple[str, ...] = ()
    """Names of the alarms raised, for the summary."""

    def as_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"File": self.file, "Error": {"Code": self.error[0], "Message": self.error[1]}}
        return {"File": self.file, **self.fields}

    def as_csv(self) -> dict[str, str]:
        row = {"File": self.file, "ErrorCode": "", "ErrorMessage": ""}
        if self.error is not None:
            row["ErrorCode"], row["ErrorMessage"] = self.error
        for key in (*TENCENT_FIELDS, "WarnCardInfos"):
            value = self.fields.get(key, "")
            row[key] = json.dumps(value) if isinstance(value, list) else str(value)
        return row


@dataclass
class Summary:
    skipped: int = 0
    """Files already in the output when the run started."""
    read: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    alarms: Counter[str] = field(default_factory=Counter)
    left: int = 0
    """Files not done because the run was interrupted."""

    def add(self, record: Record) -> None:
        if record.error is not None:
            self.failed[record.error[0]] += 1
        else:
            self.read += 1
        self.alarms.update(record.alarms)


def find_inputs(spec: str) -> list[str]:
    """The image files in a directory (recursively), or those a glob pattern matches, sorted."""
    root = Path(spec)
    if root.is_dir():
        paths = (str(p) for p in root.rglob("*") if p.is_file())
    else:
        paths = (p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
    return sorted(p for p in paths if Path(p).suffix.lower() in IMAGE_SUFFIXES)


class _Output:
    """Appends records as JSON lines or CSV rows, flushing each one."""

    def __init__(self, path: Path) -> None:
        self._csv = path.suffix.lower() == ".csv"
        new = not path.exists() or path.stat().st_size == 0
        self._handle: IO[str] = path.open("a", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._handle, CSV_COLUMNS, lineterminator="\n")
        if self._csv and new:
            self._writer.writeheader()

    def write(self, record: Record) -> None:
        if self._csv:
            self._writer.writerow(record.as_csv())
        else:
            self._handle.write(json.dumps(record.as_json(), ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def open_output(path: Path) -> tuple[_Output, set[str]]:
    """The output opened for appending, and the files it already holds."""
    if path.suffix.lower() not in (".jsonl", ".csv"):
        raise ValueError(f"{path}: the output must end in .jsonl or .csv")
    done: set[str] = set()
    if path.exists():
        _drop_torn_line(path)
        with path.open(encoding="utf-8", newline="") as handle:
            done = set(_done_csv(handle) if path.suffix.lower() == ".csv" else _done_jsonl(handle))
    return _Output(path), done


def _drop_torn_line(path: Path) -> None:
    # A hard kill can leave half a line; it is cut off here and that file read again.
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)


def _done_jsonl(handle: IO[str]) -> Iterator[str]:
    for line in handle:
        try:
            yield str(json.loads(line)["File"])
        except (ValueError, KeyError, TypeError):
            continue


def _done_csv(handle: IO[str]) -> Iterator[str]:
    for row in csv.DictReader(handle):
        if row.get("File"):
            yield row["File"]


_recognizer: Any = None
_options = BatchOptions()


def _init_worker(options: BatchOptions, threads: int, models: PreparedModels) -> None:
    """Runs once in each worker process: load the models the parent prepared, leave Ctrl-C
    to the parent."""
    global _recognizer, _options
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .engine import engine_from_handover, share_cores
    from .pipeline import Recognizer

    share_cores(threads)
    _recognizer = Recognizer(engine_from_handover(models, threads))
    _options = options


def recognize_file(path: str) -> Record:
    """One photo in a worker process; every failure becomes the record's error."""
    try:
        result = _recognizer(Path(path).read_bytes(), card_side=_options.side)
    except IdCardOcrError as exc:
        return Record(path, error=(exc.code, exc.message))
    except OSError as exc:
        return Record(path, error=(ImageDecodeFailed.code, f"cannot read the file: {exc}"))
    except Exception as exc:  # one bad photo must not end a run of thousands
        return Record(path, error=(InternalError.code, f"{type(exc).__name__}: {exc}"))
    fields: dict[str, Any] = {**result.tencent_fields(), "WarnCardInfos": list(result.warn_codes)}
    if _options.details:
        fields["Details"] = details(result)
    raised = tuple(a.kind.value for a in result.alarms if a.raised)
    return Record(path, fields=fields, alarms=raised)


def run_batch(
    files: Iterable[str],
    output: _Output,
    options: BatchOptions,
    on_record: Callable[[Record], None] = lambda record: None,
) -> Summary:
    """Read `files` on `options.workers` processes, writing each record as it completes.

    On Ctrl-C or SIGTERM, files not started are dropped and those in flight finish and are
    written; `Summary.left` counts what the next run will do.
    """
    from .engine import prepare_models  # heavy, and only a run needs it

    pending = list(files)
    collector = _Collector(output, on_record)
    threads = max(1, (os.cpu_count() or 1) // options.workers)
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    models = prepare_models("int8")  # once, not in every worker
    executor = ProcessPoolExecutor(
        options.workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(options, threads, models),
    )
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    futures: list[Future[Record]] = []
    try:
        futures = [executor.submit(recognize_file, path) for path in pending]
        for future in as_completed(futures):
            collector.collect(future)
    except KeyboardInterrupt:
        executor.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if future.done() and not future.cancelled():
                collector.collect(future)
    finally:
        signal.signal(signal.SIGTERM, previous)
        executor.shutdown(wait=True, cancel_futures=True)
    summary = collector.summary
    summary.left = len(pending) - summary.read - sum(summary.failed.values())
    return summary


class _Collector:
    """Writes each finished future's record once and keeps the tally."""

    def __init__(self, output: _Output, on_record: Callable[[Record], None]) -> None:
        self.summary = Summary()
        self._output = output
        self._on_record = on_record
        self._written: set[Future[Record]] = set()

    def collect(self, future: Future[Record]) -> None:
        if future in self._written:
            return
        self._written.add(future)
        record = future.result()
        self._output.write(record)
        self.summary.add(record)
        self._on_record(record)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
