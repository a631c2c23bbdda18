"""The `idcard-ocr` command: `serve` the Tencent-compatible API, `read` photos, `batch` folders."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .batch import BatchOptions, Summary, find_inputs, open_output, run_batch
from .details import details
from .engine import RapidOcrEngine
from .errors import IdCardOcrError
from .logs import configure_logging
from .pipeline import Recognizer
from .result import TENCENT_FIELDS, AlarmKind, CardSide, IdCardResult

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
console = Console()


@app.command()
def serve(
    config: Annotated[
        Path | None, typer.Option(help="TOML settings file; defaults are embedded")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Run the Tencent API 3.0 compatible service."""
    from .config import load_settings
    from .server import ProcessReader
    from .server import serve as run_server

    environ = dict(os.environ)
    if host is not None:
        environ["IDCARD_OCR_HOST"] = host
    if port is not None:
        environ["IDCARD_OCR_PORT"] = str(port)
    settings = load_settings(config, environ)
    if settings.log_json:
        configure_logging(settings.log_level)
    # The port opens at once; /readyz answers 503 until the models are loaded.
    reader: _Warming | ProcessReader
    if settings.worker_processes:
        reader = ProcessReader(settings.worker_processes, precision=settings.precision)
        reader.start_in_background()
    else:
        reader = _Warming(Recognizer(RapidOcrEngine(precision=settings.precision)))
    if settings.demo_keys:
        secret_id, secret_key = next(iter(settings.keys.items()))
        console.print(
            "[bold]Demo key (generated for this run; configure your own for production):[/bold]\n"
            f"  SecretId  {secret_id}\n  SecretKey {secret_key.get_secret_value()}"
        )
    console.print(f"Listening on http://{settings.host}:{settings.port}  (region ap-singapore)")
    run_server(settings, reader)


class _Warming:
    """A recognizer loading its models on a thread; `ready()` is what `/readyz` reports."""

    def __init__(self, recognizer: Recognizer) -> None:
        self._recognizer = recognizer
        self._loaded = threading.Event()
        threading.Thread(target=self._load, name="load-models", daemon=True).start()

    def _load(self) -> None:
        try:
            self._recognizer.engine  # noqa: B018
        except Exception:  # calls retry the load themselves and answer InternalError
            logging.getLogger("idcard_ocr.server").exception("loading the OCR models failed")
            return
        self._loaded.set()

    def ready(self) -> bool:
        return self._loaded.is_set()

    def __call__(
        self,
        image: bytes,
        *,
        card_side: CardSide | None,
        crop_portrait: bool,
        crop_id_card: bool,
        thresholds: Mapping[AlarmKind, float] | None,
    ) -> IdCardResult:
        return self._recognizer(
            image,
            card_side=card_side,
            crop_portrait=crop_portrait,
            crop_id_card=crop_id_card,
            thresholds=thresholds,
        )


@app.command()
def read(
    photos: Annotated[list[Path], typer.Argument(help="PNG, JPEG or BMP photos of cards")],
    side: Annotated[CardSide | None, typer.Option(help="The side the photos must show")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
) -> None:
    """Read the fields of each photo."""
    recognizer = Recognizer()
    failed = False
    for photo in photos:
        try:
            result = recognizer(photo.read_bytes(), card_side=side)
        except (IdCardOcrError, OSError) as exc:
            failed = True
            _print_failure(photo, exc, as_json)
            continue
        if as_json:
            print(json.dumps(_as_json(photo, result), ensure_ascii=False))
        else:
            console.print(_as_table(photo, result))
    if failed:
        raise typer.Exit(1)


@app.command()
def batch(
    inputs: Annotated[
        str, typer.Argument(help="A directory (searched recursively) or a quoted glob pattern")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="results.jsonl or results.csv; a rerun resumes it")
    ],
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = os.cpu_count() or 1,
    side: Annotated[CardSide | None, typer.Option(help="The side the photos must show")] = None,
    with_details: Annotated[
        bool, typer.Option("--details", help="Add the Details object to each JSONL line")
    ] = False,
) -> None:
    """Read every photo of a folder or glob into JSONL or CSV, fields as the API gives them."""
    files = find_inputs(inputs)
    if not files:
        console.print(f"[red]no PNG, JPEG or BMP files in {inputs}[/red]")
        raise typer.Exit(2)
    try:
        output, done = open_output(out)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    todo = [f for f in files if f not in done]
    options = BatchOptions(side=side, details=with_details, workers=min(workers, len(todo) or 1))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task("reading", total=len(todo))
        summary = run_batch(todo, output, options, lambda record: progress.advance(task))
    output.close()
    summary.skipped = len(files) - len(todo)
    console.print(_summary_table(summary, out))
    if summary.left:
        console.print(f"interrupted: {summary.left} left; run the same command again to resume")
        raise typer.Exit(130)


def _summary_table(summary: Summary, out: Path) -> Table:
    table = Table(title="batch summary", show_header=False)
    table.add_row("output", str(out))
    table.add_row("read", str(summary.read))
    table.add_row("already in the output", str(summary.skipped))
    for code, count in summary.failed.most_common():
        table.add_row(f"failed: {code}", str(count))
    for name, count in summary.alarms.most_common():
        warn = AlarmKind(name).code
        table.add_row(f"alarm: {name}" + (f" ({warn})" if warn else ""), str(count))
    if summary.left:
        table.add_row("left (interrupted)", str(summary.left))
    return table


def _as_json(photo: Path, result: IdCardResult) -> dict[str, Any]:
    fields: dict[str, Any] = dict(result.tencent_fields())
    fields["WarnCardInfos"] = list(result.warn_codes)
    return {"file": str(photo), **fields, "Details": details(result)}


def _as_table(photo: Path, result: IdCardResult) -> Table:
    table = Table(title=str(photo), show_header=True)
    table.add_column("Field")
    table.add_column("Value")
    table.add_column("Confidence", justify="right")
    for key, attr in TENCENT_FIELDS.items():
        reading = result.fields.get(attr)
        confidence = f"{reading.confidence:.3f}" if reading else ""
        table.add_row(key, getattr(result, attr), confidence)
    failed = [c.name for c in result.checks if not c.passed]
    table.caption = "checks: " + (", ".join(failed) + " failed" if failed else "all passed")
    return table


def _print_failure(photo: Path, exc: Exception, as_json: bool) -> None:
    code = exc.code if isinstance(exc, IdCardOcrError) else "FailedOperation.ImageDecodeFailed"
    if as_json:
        print(json.dumps({"file": str(photo), "Error": {"Code": code, "Message": str(exc)}}))
    else:
        console.print(f"[red]{photo}: {code}: {exc}[/red]")
