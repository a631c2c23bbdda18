"""Fast checks of the labelled alarm set generator (tools/idcard_synth/alarms.py); no OCR."""

from __future__ import annotations

import random
from collections import Counter

import cv2
import numpy as np
import pytest

from idcard_synth.alarms import (
    CODES,
    KINDS,
    STRENGTHS,
    VARIANTS,
    AlarmSample,
    make_alarm_sample,
    make_alarm_sample_at,
    make_alarm_set,
    schedule,
)
from idcard_synth.effects import blur_kernel, defocus_kernel, motion_kernel
from idcard_synth.identity import check_digit, random_identity
from idcard_synth.render import render_card
from idcard_synth.tamper import tamper

SEED = 11


@pytest.fixture(scope="module")
def samples() -> list[AlarmSample]:
    return make_alarm_set(SEED, 10)  # every kind once, clean three times


def _decode(sample: AlarmSample) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(sample.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def _inside(sample: AlarmSample, margin: float = 0.0) -> bool:
    width, height = sample.frame
    quad = sample.card.quad
    return bool(
        (quad[:, 0] >= margin).all()
        and (quad[:, 1] >= margin).all()
        and (quad[:, 0] <= width - margin).all()
        and (quad[:, 1] <= height - margin).all()
    )


def test_a_sample_depends_only_on_seed_and_index(samples: list[AlarmSample]) -> None:
    for index in (4, 7):  # screen, occlusion: generated alone, not after the others
        assert make_alarm_sample_at(SEED, index).jpeg == samples[index].jpeg
    assert make_alarm_sample_at(SEED + 1, 0).jpeg != samples[0].jpeg


def test_schedule_cycles_kinds_strengths_and_variants() -> None:
    plan = [schedule(i) for i in range(400)]
    kinds = Counter(kind for kind, _, _ in plan)
    assert kinds["clean"] == 120
    assert all(kinds[kind] == 40 for kind in CODES)
    for kind in CODES:
        strengths = Counter(s for k, s, _ in plan if k == kind)
        assert set(strengths) == set(STRENGTHS) and min(strengths.values()) >= 13
        assert {v for k, _, v in plan if k == kind} == set(VARIANTS[kind])
    assert {v for k, _, v in plan if k == "clean"} == set(VARIANTS["clean"])


def test_labels_follow_the_kind(samples: list[AlarmSample]) -> None:
    assert {s.kind for s in samples} == set(KINDS)
    for sample in samples:
        expected = frozenset({CODES[sample.kind]}) if sample.kind in CODES else frozenset()
        assert sample.labels == expected
        assert (sample.strength in STRENGTHS) == (sample.kind != "clean")


def test_photos_decode_at_their_frame_size(samples: list[AlarmSample]) -> None:
    for sample in samples:
        image = _decode(sample)
        width, height = sample.frame
        # The colour-filter mosaic works on 2x2 cells: an odd edge loses its last pixel.
        assert abs(image.shape[1] - width) <= 1 and abs(image.shape[0] - height) <= 1


def test_only_border_samples_cut_the_card(samples: list[AlarmSample]) -> None:
    for sample in samples:
        if sample.kind == "border":
            assert not _inside(sample)
        else:
            assert _inside(sample, margin=0.01 * max(sample.frame)), sample.kind


def test_border_cut_is_between_5_and_30_percent() -> None:
    for strength in (0.3, 1.0):
        sample = make_alarm_sample(random.Random(int(strength * 10)), "border", strength, "side")
        quad, (width, height) = sample.card.quad, sample.frame
        extent = quad.max(axis=0) - quad.min(axis=0)
        outside = np.maximum(0, [-quad[:, 0].min(), -quad[:, 1].min()])
        outside = np.maximum(outside, [quad[:, 0].max() - width, quad[:, 1].max() - height])
        share = float((outside / extent).max())
        assert 0.04 <= share <= 0.31


def test_glare_regions_lie_on_the_card() -> None:
    for strength in (0.3, 1.0):
        sample = make_alarm_sample(random.Random(7), "glare", strength)
        assert sample.regions
        for region in sample.regions:
            assert (region >= 0).all()
            assert (region[:, 0] <= 1887).all() and (region[:, 1] <= 1190).all()


def test_occluders_record_what_they_cover() -> None:
    portrait = make_alarm_sample(random.Random(2), "occlusion", 1.0, "over_portrait")
    assert portrait.card.side == "FRONT" and "Portrait" in portrait.fields
    text = make_alarm_sample(random.Random(3), "occlusion", 0.6, "over_text")
    assert text.fields and "Portrait" not in text.fields


@pytest.mark.parametrize("method", ["patch", "font", "contradiction"])
def test_ps_edits_change_one_field(method: str) -> None:
    rng = random.Random(5)
    identity = random_identity(rng)
    card = render_card(identity, "FRONT", rng)
    edited, edit = tamper(card, identity, rng, method, 0.6)
    assert edit.method == method and edit.field in edited.field_boxes
    changed = np.abs(edited.image.astype(int) - card.image.astype(int)).sum(axis=2) > 30
    ys, xs = np.nonzero(changed)
    old, new = card.field_boxes[edit.field], edited.field_boxes[edit.field]
    x0, y0 = min(old[0], new[0]), min(old[1], new[1])
    x1, y1 = max(old[2], new[2]), max(old[3], new[3])
    assert xs.size and (xs.min() >= x0 - 25 and xs.max() <= x1 + 25)  # nothing else touched
    assert ys.min() >= y0 - 25 and ys.max() <= y1 + 25
    if method == "contradiction" and edit.field == "IdNum":
        assert edit.new[17] == check_digit(edit.new[:17])  # a legal number, wrong birth
        assert edit.new[6:14] != identity.id_num[6:14]


def test_blur_kernels_are_normalised_and_grow_with_strength() -> None:
    for kernel in (defocus_kernel(6.5), motion_kernel(20.0, 33.0)):
        assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    for variant in ("defocus", "motion"):
        sizes = [blur_kernel(random.Random(1), variant, s, 30.0).shape[0] for s in STRENGTHS]
        assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_unknown_kind_or_strength_is_refused() -> None:
    with pytest.raises(ValueError):
        make_alarm_sample(random.Random(0), "smudge", 0.6)
    with pytest.raises(ValueError):
        make_alarm_sample(random.Random(0), "glare", 0.45)
