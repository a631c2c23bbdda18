"""Command line: write a synthetic data set and its ``labels.jsonl``.

    PYTHONPATH=tools python -m idcard_synth flat  --out DIR --count N --seed S
    PYTHONPATH=tools python -m idcard_synth photo --out DIR --count N --seed S

Flat sets alternate FRONT/BACK per identity and are written as PNG (lossless, as a scan
would be); photos are written as the exact JPEG bytes of each sample.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from idcard_synth.identity import identities, tencent_fields
from idcard_synth.photo import CardTruth, make_photo_set
from idcard_synth.render import RenderedCard, flat_image, render_card

# Fields Tencent returns per side; the other side's fields are absent from its answer.
SIDE_FIELDS = {
    "FRONT": ("Name", "Sex", "Nation", "Birth", "Address", "IdNum"),
    "BACK": ("Authority", "ValidDate"),
}


def _quad(points: np.ndarray | None) -> list[list[float]] | None:
    return None if points is None else [[round(float(x), 2), round(float(y), 2)] for x, y in points]


def _side_fields(fields: dict[str, str], side: str) -> dict[str, str]:
    return {key: fields[key] for key in SIDE_FIELDS[side]}


def _scaled_boxes(card: RenderedCard, image: np.ndarray, width: int) -> dict[str, list[float]]:
    """Card-pixel boxes mapped into the flat image (uniform scale plus the margin)."""
    scale = width / card.image.shape[1]
    margin = (image.shape[1] - width) // 2
    boxes = dict(card.field_boxes)
    if card.portrait_box is not None:
        boxes["Portrait"] = card.portrait_box
    return {k: [round(v * scale + margin, 2) for v in box] for k, box in boxes.items()}


def write_flat(out: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with (out / "labels.jsonl").open("w", encoding="utf-8") as labels:
        for index, identity in enumerate(identities(seed, count)):
            side = "FRONT" if index % 2 == 0 else "BACK"
            card = render_card(identity, side, rng)
            width = rng.randint(500, 2000)
            image = flat_image(card, width, rng)
            name = f"flat_{index:05d}_{side.lower()}.png"
            cv2.imwrite(str(out / name), image)
            record = {
                "file": name,
                "side": side,
                "width": image.shape[1],
                "height": image.shape[0],
                "expected": _side_fields(tencent_fields(identity), side),
                "all_fields": tencent_fields(identity),
                "field_boxes": _scaled_boxes(card, image, width),
                "expected_error": None,
                "category": "flat",
            }
            labels.write(json.dumps(record, ensure_ascii=False) + "\n")


def _card_record(truth: CardTruth) -> dict[str, Any]:
    return {
        "side": truth.side,
        "expected": _side_fields(tencent_fields(truth.identity), truth.side),
        "quad": _quad(truth.quad),
        "portrait_quad": _quad(truth.portrait_quad),
        "field_quads": {key: _quad(quad) for key, quad in truth.field_quads.items()},
    }


def write_photos(out: Path, count: int, seed: int) -> None:
    with (out / "labels.jsonl").open("w", encoding="utf-8") as labels:
        for index, sample in enumerate(make_photo_set(seed, count)):
            name = f"photo_{index:05d}_{sample.category}.jpg"
            (out / name).write_bytes(sample.jpeg)
            record = {
                "file": name,
                "sides": [truth.side for truth in sample.cards],
                "width": sample.image.shape[1],
                "height": sample.image.shape[0],
                "cards": [_card_record(truth) for truth in sample.cards],
                "expected_error": sample.expected_error,
                "category": sample.category,
                "background": sample.background,
                "jpeg_quality": sample.jpeg_quality,
            }
            labels.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="idcard_synth", description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("flat", "photo"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    writer = write_flat if args.kind == "flat" else write_photos
    writer(args.out, args.count, args.seed)
    print(f"wrote {args.count} {args.kind} images and labels.jsonl to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
