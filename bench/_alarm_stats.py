"""Scoring of the alarm benchmark: outcomes, per-code counts, threshold sweep, tables."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from _common import print_table

CODES = (-9101, -9102, -9103, -9104, -9105, -9107, -9108)
NAMES = {
    -9101: "border",
    -9102: "photocopy",
    -9103: "screen",
    -9104: "PS",
    -9105: "occlusion",
    -9107: "glare",
    -9108: "blur",
}
TARGETS = {code: (0.95, 0.90) for code in CODES} | {-9104: (0.90, 0.80), -9105: (0.90, 0.80)}
"""(precision, recall) each code must reach (issue 4)."""
CLEAN_TARGET = 0.02  # share of clean photos allowed to raise any alarm
_MISSING = -1.0  # score of a code whose detector did not run (none yet, or an error)


@dataclass(frozen=True)
class Outcome:
    """What the recognizer made of one sample."""

    index: int
    kind: str
    variant: str
    strength: float
    labels: frozenset[int]
    scores: Mapping[int, float]  # per code, max over the cards read
    raised: frozenset[int]
    error: str | None  # the Tencent error code, or "crash <type>"
    detail: str = ""
    ms: float = 0.0

    @property
    def name(self) -> str:
        return f"#{self.index} {self.kind}/{self.variant} s={self.strength:g}"

    def score(self, code: int) -> float:
        return self.scores.get(code, _MISSING)

    def to_json(self) -> str:
        return json.dumps(
            {
                "index": self.index,
                "kind": self.kind,
                "variant": self.variant,
                "strength": self.strength,
                "labels": sorted(self.labels),
                "scores": {str(code): score for code, score in self.scores.items()},
                "raised": sorted(self.raised),
                "error": self.error,
                "detail": self.detail,
                "ms": round(self.ms, 1),
            },
            ensure_ascii=False,
        )

    @staticmethod
    def from_json(line: str) -> Outcome:
        data = json.loads(line)
        return Outcome(
            data["index"],
            data["kind"],
            data["variant"],
            data["strength"],
            frozenset(data["labels"]),
            {int(code): score for code, score in data["scores"].items()},
            frozenset(data["raised"]),
            data["error"],
            data.get("detail", ""),
            data.get("ms", 0.0),
        )


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def passes(self, code: int) -> bool:
        precision, recall = self.precision, self.recall
        want_p, want_r = TARGETS[code]
        return (
            precision is not None
            and recall is not None
            and (precision >= want_p and recall >= want_r)
        )


def count(outcomes: Iterable[Outcome], code: int, threshold: float | None = None) -> Counts:
    """TP/FP/FN of ``code`` from the raised flags, or from the scores at ``threshold``."""
    counts = Counts()
    for outcome in outcomes:
        hit = code in outcome.raised if threshold is None else outcome.score(code) >= threshold
        labelled = code in outcome.labels
        counts.tp += hit and labelled
        counts.fp += hit and not labelled
        counts.fn += labelled and not hit
    return counts


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def print_codes(outcomes: list[Outcome], title: str) -> None:
    rows = []
    for code in CODES:
        c = count(outcomes, code)
        want_p, want_r = TARGETS[code]
        verdict = "pass" if c.passes(code) else "FAIL"
        if c.tp + c.fn == 0:  # no positives of this code in the run (--kinds, --indices)
            verdict = "-"
        rows.append(
            [str(code), NAMES[code], str(c.tp), str(c.fp), str(c.fn), _pct(c.precision),
             _pct(c.recall), f">={want_p:.0%} / >={want_r:.0%}", verdict]
        )  # fmt: skip
    header = ["code", "alarm", "TP", "FP", "FN", "precision", "recall", "target P / R", ""]
    print_table(title, header, rows)


def clean_false_alarms(outcomes: list[Outcome]) -> tuple[int, int, Counter[int]]:
    """(clean photos with any alarm, clean photos, how often each code fired on them)."""
    clean = [o for o in outcomes if o.kind == "clean"]
    fired: Counter[int] = Counter(code for o in clean for code in o.raised)
    return sum(bool(o.raised) for o in clean), len(clean), fired


def print_clean(outcomes: list[Outcome]) -> None:
    alarmed, total, fired = clean_false_alarms(outcomes)
    share = alarmed / total if total else 0.0
    verdict = "pass" if share < CLEAN_TARGET else "FAIL"
    codes = ", ".join(f"{code} x{n}" for code, n in sorted(fired.items())) or "none"
    print(
        f"clean photos with any alarm: {alarmed}/{total} = {share:.1%} "
        f"(target < {CLEAN_TARGET:.0%}: {verdict}); codes fired: {codes}"
    )


def print_groups(outcomes: list[Outcome]) -> None:
    """Recall (or, for clean photos, the share left alone) per kind, variant and strength."""
    groups: dict[tuple[str, str, float], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.kind, outcome.variant, outcome.strength].append(outcome)
    rows = []
    for (kind, variant, strength), members in sorted(groups.items()):
        if kind == "clean":
            good = sum(not o.raised for o in members)
        else:
            good = sum(o.labels <= o.raised for o in members)
        extra: Counter[int] = Counter(c for o in members for c in o.raised - o.labels)
        errors = sum(o.error is not None for o in members)
        rows.append(
            [kind, variant, f"{strength:g}", str(len(members)), _pct(good / len(members)),
             str(errors), ", ".join(f"{c} x{n}" for c, n in sorted(extra.items()))]
        )  # fmt: skip
    header = [
        "kind",
        "variant",
        "strength",
        "n",
        "detected (clean: quiet)",
        "errors",
        "other codes",
    ]
    print_table("per kind, variant and strength", header, rows)


def print_errors(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.error and outcome.error != "FailedOperation.ImageBlur":
            print(f"error: {outcome.name} -> {outcome.error} (counted as a miss)")
    blurred = [o for o in outcomes if o.error == "FailedOperation.ImageBlur"]
    if blurred:
        kinds = Counter(o.kind for o in blurred)
        print(f"ImageBlur errors (counted as -9108 raised): {dict(kinds)}")


def _score(outcome: Outcome, code: int) -> str:
    return "n/a" if code not in outcome.scores else f"{outcome.scores[code]:.2f}"


def print_misses(outcomes: list[Outcome], limit: int) -> None:
    """Missed positives, then false alarms; each line regenerates with --indices."""
    missed = [o for o in outcomes if not o.labels <= o.raised]
    false = [o for o in outcomes if o.raised - o.labels]
    for outcome in missed[:limit]:
        scores = " ".join(f"{c}:{_score(outcome, c)}" for c in sorted(outcome.labels))
        print(f"miss: {outcome.name} score {scores} {outcome.error or ''} {outcome.detail}")
    for outcome in false[:limit]:
        extra = sorted(outcome.raised - outcome.labels)
        scores = " ".join(f"{c}:{_score(outcome, c)}" for c in extra)
        print(f"false alarm: {outcome.name} raised {scores} {outcome.detail}")


@dataclass(frozen=True)
class Choice:
    code: int
    threshold: float | None  # None: no threshold reaches the precision target
    counts: Counts
    clean_share: float  # clean photos this code alone would flag at the threshold


def best_threshold(outcomes: list[Outcome], code: int) -> Choice:
    """The threshold with the highest recall at precision >= target.

    Candidates are the scores themselves; among equally good ones the highest is taken
    (fewest clean false alarms), then lowered to halfway to the next lower score: every
    threshold in that gap counts the same here, the middle leaves most margin either way.
    """
    want_p, _ = TARGETS[code]
    candidates = sorted({o.score(code) for o in outcomes if o.score(code) > _MISSING})
    best: tuple[float, int] | None = None  # (recall, position in candidates)
    for position, threshold in enumerate(candidates):
        counts = count(outcomes, code, threshold)
        if counts.precision is None or counts.precision < want_p:
            continue
        recall = counts.recall or 0.0
        if best is None or recall >= best[0]:
            best = (recall, position)
    if best is None:
        return Choice(code, None, count(outcomes, code, 2.0), 0.0)
    position = best[1]
    threshold = candidates[position]
    if position > 0:
        threshold = (threshold + candidates[position - 1]) / 2
    clean = [o for o in outcomes if o.kind == "clean"]
    share = sum(o.score(code) >= threshold for o in clean) / max(1, len(clean))
    return Choice(code, threshold, count(outcomes, code, threshold), share)


def print_sweep(outcomes: list[Outcome]) -> dict[int, float]:
    """Per code the threshold to use, from the scores; returns the chosen thresholds."""
    rows, chosen = [], {}
    for code in CODES:
        choice = best_threshold(outcomes, code)
        scored = [o for o in outcomes if o.score(code) > _MISSING]
        positives = sorted(o.score(code) for o in scored if code in o.labels)
        negatives = sorted(o.score(code) for o in scored if code not in o.labels)
        spread = f"{_median(positives):.2f} / {_quantile(negatives, 0.98):.2f}"
        if choice.threshold is None:
            rows.append([str(code), NAMES[code], "none", "-", "-", "-", spread, "FAIL"])
            continue
        chosen[code] = choice.threshold
        c = choice.counts
        verdict = "pass" if c.passes(code) else "FAIL"
        rows.append(
            [str(code), NAMES[code], f"{choice.threshold:.3f}", _pct(c.precision),
             _pct(c.recall), _pct(choice.clean_share), spread, verdict]
        )  # fmt: skip
    header = ["code", "alarm", "threshold", "precision", "recall", "clean FA (this code)",
              "score: positives median / negatives p98", ""]  # fmt: skip
    print_table("threshold sweep (max recall at precision >= target)", header, rows)
    clean = [o for o in outcomes if o.kind == "clean"]
    alarmed = sum(any(o.score(c) >= t for c, t in chosen.items()) for o in clean)
    print(f"clean photos with any alarm at these thresholds: {alarmed}/{len(clean)}")
    return chosen


def _median(values: list[float]) -> float:
    return _quantile(values, 0.5)


def _quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile of sorted ``values``; NaN (printed as nan) when there are none."""
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")
