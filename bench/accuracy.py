"""Accuracy on a freshly generated synthetic set: ours against the naive baseline, same run.

    .venv/bin/python bench/accuracy.py flat --count 200
    .venv/bin/python bench/accuracy.py photo --count 300
    .venv/bin/python bench/accuracy.py far --count 60

The naive baseline is what a user would build alone: RapidOCR with its default settings on
the whole, unflattened image, its lines handed to our own parser and validator.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from _common import BACK_KEYS, FRONT_KEYS, Tally, print_table
from idcard_ocr import Recognizer
from idcard_ocr.engine import tuned_sessions
from idcard_ocr.errors import IdCardOcrError, NoIdCard
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.result import TENCENT_FIELDS
from idcard_ocr.stages.parse import parse_card
from idcard_ocr.stages.read import CardText, TextLine
from idcard_ocr.stages.validate import validate_card
from idcard_synth.identity import random_identity, tencent_fields
from idcard_synth.photo import FAR, PhotoSample, make_photo, make_photo_set
from idcard_synth.render import flat_image, render_card


@dataclass(frozen=True)
class Case:
    label: str
    category: str
    image: bytes
    expected: dict[str, str]
    expected_error: str | None


Method = Callable[[bytes], dict[str, str]]


def flat_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for index in range(count):
        side = "FRONT" if index % 2 == 0 else "BACK"
        identity = random_identity(rng)
        image = flat_image(render_card(identity, side, rng), rng.randint(500, 2000), rng)
        keys = FRONT_KEYS if side == "FRONT" else BACK_KEYS
        expected = {k: tencent_fields(identity)[k] for k in keys}
        yield Case(f"flat#{index}", f"flat {side.lower()}", _png(image), expected, None)


def photo_cases(seed: int, count: int) -> Iterator[Case]:
    yield from _cases_of("photo", make_photo_set(seed, count))


def far_cases(seed: int, count: int) -> Iterator[Case]:
    """One card far off in a big photo (`idcard_synth.photo.FAR`): what the text search at
    1920 px is for."""
    samples = (make_photo(random.Random(seed * 1_000_003 + i), FAR) for i in range(count))
    yield from _cases_of("far", samples)


def _cases_of(name: str, samples: Iterable[PhotoSample]) -> Iterator[Case]:
    for index, sample in enumerate(samples):
        expected: dict[str, str] = {}
        for card in sample.cards:
            keys = FRONT_KEYS if card.side == "FRONT" else BACK_KEYS
            expected.update({k: tencent_fields(card.identity)[k] for k in keys})
        # The photo's own JPEG (quality 50-95), as a camera would send it.
        error = sample.expected_error
        yield Case(f"{name}#{index}", sample.category, sample.jpeg, expected, error)


CASES = {"flat": flat_cases, "photo": photo_cases, "far": far_cases}


def _png(image: np.ndarray) -> bytes:
    ok, buffer = cv2.imencode(".png", image)
    assert ok
    return bytes(buffer)


def _or_empty(values: object) -> list[object]:
    return [] if values is None else list(values)  # type: ignore[call-overload]


def ours(recognizer: Recognizer) -> Method:
    def read(image: bytes) -> dict[str, str]:
        return recognizer(image).tencent_fields()

    return read


def naive(flushed: bool = False) -> Method:
    """`flushed`: the same, with the models loaded as ours are (`engine.tuned_sessions`:
    subnormal weights set to zero, no spinning threads), to tell how much of the gap that
    alone makes on this CPU."""
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error"})
    if flushed:
        with tuned_sessions():
            engine._load_det_model()  # type: ignore[no-untyped-call]
            engine._load_cls_model()  # type: ignore[no-untyped-call]
            engine._load_rec_model()  # type: ignore[no-untyped-call]

    def read(image: bytes) -> dict[str, str]:
        pixels = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
        out = engine(pixels)
        height, width = pixels.shape[:2]
        scale = np.array([CARD_WIDTH / width, CARD_HEIGHT / height], dtype=np.float32)
        lines = tuple(
            TextLine(str(text), float(score), np.asarray(box, dtype=np.float32) * scale)
            for box, text, score in zip(
                _or_empty(out.boxes), _or_empty(out.txts), _or_empty(out.scores), strict=False
            )
        )
        parsed = parse_card(CardText(lines, 0.0))
        if parsed.side_score < 2:
            raise NoIdCard("no card text")
        texts = validate_card(parsed).texts
        return {key: texts.get(attr, "") for key, attr in TENCENT_FIELDS.items()}

    return read


@dataclass(frozen=True)
class Outcome:
    fields: dict[str, str]
    code: str
    ms: float


def attempt(method: Method, case: Case) -> Outcome:
    start = time.perf_counter()
    try:
        got, code = method(case.image), "none"
    except IdCardOcrError as exc:
        got, code = {}, exc.code
    except Exception as exc:  # a crash is a result too: count it, keep measuring
        got, code = {}, f"crash {type(exc).__name__}"
    return Outcome(got, code, (time.perf_counter() - start) * 1000)


def record(tally: Tally, case: Case, outcome: Outcome) -> None:
    got, code = outcome.fields, outcome.code
    tally.latencies_ms.append(outcome.ms)
    if case.expected_error:
        tally.add_code(case.expected_error, code, case.label)
    elif code != "none":
        tally.add_card(case.expected, {}, f"{case.label} [{code}]")
    else:
        tally.add_card(case.expected, got, case.label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("set", choices=sorted(CASES))
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--misses", type=int, default=15, help="how many misses to list")
    args = parser.parse_args()

    cases = list(CASES[args.set](args.seed, args.count))
    methods = {"ours": ours(Recognizer())}
    if not args.no_baseline:
        methods["naive RapidOCR"] = naive()
    tallies: dict[str, dict[str, Tally]] = {m: defaultdict(Tally) for m in methods}
    for case in cases:
        for name, method in methods.items():
            outcome = attempt(method, case)
            record(tallies[name][case.category], case, outcome)
            record(tallies[name]["ALL"], case, outcome)
    header = ["method", "category", "fields exact", "cards all-correct", "error codes", "p50 ms"]
    rows = [
        [name, category, *tally.row()]
        for name, by_category in tallies.items()
        for category, tally in sorted(by_category.items())
    ]
    print_table(f"{args.set} set: {len(cases)} images, seed {args.seed}", header, rows)
    _print_ratio(tallies)
    for miss in tallies["ours"]["ALL"].misses[: args.misses]:
        print("miss:", miss)


def _print_ratio(tallies: dict[str, dict[str, Tally]]) -> None:
    if "naive RapidOCR" not in tallies:
        return
    ours_ms = np.median(tallies["ours"]["ALL"].latencies_ms)
    naive_ms = np.median(tallies["naive RapidOCR"]["ALL"].latencies_ms)
    ratio = naive_ms / ours_ms
    print(f"median latency: ours {ours_ms:.0f} ms, naive {naive_ms:.0f} ms ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
