"""The `idcard-ocr` command: `serve` the Tencent-compatible API, `read` photos."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .details import details
from .errors import IdCardOcrError
from .pipeline import Recognizer
from .result import TENCENT_FIELDS, CardSide, IdCardResult

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
    from .server import serve as run_server

    environ = dict(os.environ)
    if host is not None:
        environ["IDCARD_OCR_HOST"] = host
    if port is not None:
        environ["IDCARD_OCR_PORT"] = str(port)
    settings = load_settings(config, environ)
    recognizer = Recognizer()
    recognizer.engine  # noqa: B018  load the models before the first request, not during it
    if settings.demo_keys:
        secret_id, secret_key = next(iter(settings.keys.items()))
        console.print(
            "[bold]Demo key (generated for this run; configure your own for production):[/bold]\n"
            f"  SecretId  {secret_id}\n  SecretKey {secret_key.get_secret_value()}"
        )
    console.print(f"Listening on http://{settings.host}:{settings.port}  (region ap-singapore)")
    run_server(settings, recognizer)


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
