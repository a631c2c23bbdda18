"""Alarm detectors on a freshly generated labelled set (issue 4, "How it is checked").

    .venv/bin/python bench/alarms.py --count 400 --seed 7
    .venv/bin/python bench/alarms.py --count 400 --seed 7 --scores /tmp/s.jsonl --sweep
    .venv/bin/python bench/alarms.py --from-scores /tmp/s.jsonl --sweep   # no re-run
    .venv/bin/python bench/alarms.py --seed 7 --indices 12,57 --save /tmp/look
    .venv/bin/python bench/alarms.py --seed 7 --kinds screen,clean --workers 2

Prints per code (-9101 ... -9108) TP/FP/FN, precision and recall against the targets, the
share of clean photos raising any alarm, recall per kind/variant/strength and the errors.
A sample the recognizer rejects with FailedOperation.ImageBlur counts as -9108 raised; any
other error counts as a miss of its labels.  ``--sweep`` picks, from the scores rather
than the raised flags, each code's threshold with the best recall at the target precision.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import _alarm_stats as stats
from idcard_ocr import Recognizer
from idcard_ocr.errors import IdCardOcrError, ImageBlur
from idcard_ocr.result import IdCardResult
from idcard_synth.alarms import KINDS, AlarmSample, make_alarm_sample_at, schedule

_recognizer: Recognizer | None = None  # one per process, built on first use


def _scores(result: IdCardResult) -> dict[int, float]:
    """Each code's highest score over the cards read (an alarm per detector per card)."""
    scores: dict[int, float] = {}
    for alarm in result.alarms:
        if alarm.code is not None:  # an alarm outside this action's warning table
            scores[alarm.code] = max(scores.get(alarm.code, 0.0), alarm.score)
    return scores


def recognize(sample: AlarmSample, index: int) -> stats.Outcome:
    global _recognizer
    if _recognizer is None:
        _recognizer = Recognizer()
    start = time.perf_counter()
    error: str | None = None
    scores: dict[int, float] = {}
    raised: frozenset[int] = frozenset()
    try:
        result = _recognizer(sample.jpeg)
        scores, raised = _scores(result), frozenset(result.warn_codes)
    except ImageBlur as exc:  # too blurry to read at all: the strongest -9108 there is
        error, scores, raised = exc.code, {-9108: 1.0}, frozenset({-9108})
    except IdCardOcrError as exc:
        error = exc.code
    except Exception as exc:  # a crash is a result too: count it, keep measuring
        error = f"crash {type(exc).__name__}: {exc}"
    ms = (time.perf_counter() - start) * 1000
    return stats.Outcome(
        index, sample.kind, sample.variant, sample.strength, sample.labels,
        scores, raised, error, sample.detail, ms,
    )  # fmt: skip


def save(sample: AlarmSample, index: int, folder: Path) -> None:
    """The photo and its labels, named so a directory listing reads like the set."""
    stem = f"{index:04d}_{sample.kind}_{sample.variant}_{sample.strength:g}"
    (folder / f"{stem}.jpg").write_bytes(sample.jpeg)
    truth = {
        "index": index,
        "kind": sample.kind,
        "variant": sample.variant,
        "strength": sample.strength,
        "labels": sorted(sample.labels),
        "detail": sample.detail,
        "fields": list(sample.fields),
        "regions_card_px": [region.round(1).tolist() for region in sample.regions],
        "side": sample.card.side,
        "card_quad": sample.card.quad.round(1).tolist(),
        "frame": list(sample.frame),
    }
    (folder / f"{stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))


def run_one(seed: int, index: int, folder: str | None) -> stats.Outcome:
    """Generate sample ``index`` of the set from ``seed`` and run it (also in a worker)."""
    sample = make_alarm_sample_at(seed, index)
    if folder is not None:
        save(sample, index, Path(folder))
    return recognize(sample, index)


def run(seed: int, indices: list[int], workers: int, folder: str | None) -> list[stats.Outcome]:
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
    if workers <= 1:
        return [run_one(seed, index, folder) for index in indices]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        n = len(indices)
        return list(pool.map(run_one, [seed] * n, indices, [folder] * n, chunksize=4))


def _indices(args: argparse.Namespace) -> list[int]:
    """The samples to run: --indices, else the first --count, narrowed to --kinds."""
    if args.indices:
        return [int(i) for i in args.indices.split(",")]
    wanted = set(args.kinds.split(",")) if args.kinds else set(KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        raise SystemExit(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    return [i for i in range(args.count) if schedule(i)[0] in wanted]


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=400, help="samples (30%% clean)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--indices", help="only these samples of the set, e.g. 12,57")
    parser.add_argument("--kinds", help="only these kinds of the set, e.g. screen,clean")
    parser.add_argument("--workers", type=int, default=1, help="processes (2 cores, shared)")
    parser.add_argument("--save", metavar="DIR", help="write each photo and its labels here")
    parser.add_argument("--scores", metavar="FILE", help="dump every outcome as JSON lines")
    parser.add_argument("--from-scores", metavar="FILE", help="read outcomes, run nothing")
    parser.add_argument("--sweep", action="store_true", help="choose thresholds from scores")
    parser.add_argument("--misses", type=int, default=15, help="missed samples to list")
    return parser.parse_args()


def main() -> None:
    args = _parse()
    if args.from_scores:
        lines = Path(args.from_scores).read_text().splitlines()
        outcomes = [stats.Outcome.from_json(line) for line in lines if line.strip()]
        title = f"{len(outcomes)} outcomes from {args.from_scores}"
    else:
        indices = _indices(args)
        start = time.perf_counter()
        outcomes = run(args.seed, indices, args.workers, args.save)
        minutes = (time.perf_counter() - start) / 60
        title = f"alarm set: {len(outcomes)} samples, seed {args.seed}, {minutes:.1f} min"
    if args.scores:
        Path(args.scores).write_text("".join(o.to_json() + "\n" for o in outcomes))
    stats.print_codes(outcomes, title)
    stats.print_clean(outcomes)
    stats.print_groups(outcomes)
    stats.print_errors(outcomes)
    if args.sweep:
        stats.print_sweep(outcomes)
    stats.print_misses(outcomes, args.misses)


if __name__ == "__main__":
    main()
