"""Synthetic Resident Identity Card images with exact ground truth (dev/test only).

Flat cards (scans, tight crops) come from :mod:`idcard_synth.render`, camera-like photos
from :mod:`idcard_synth.photo`.  The card artwork and fonts are read from the
``idcardgenerator`` package's resource folder; that package is never imported.
"""

from __future__ import annotations

from idcard_synth.identity import Identity, identities, random_identity, tencent_fields
from idcard_synth.photo import CATEGORIES, CardTruth, PhotoSample, make_photo, make_photo_set
from idcard_synth.render import RenderedCard, flat_image, render_card
from idcard_synth.scene import encode_jpeg

__all__ = [
    "CATEGORIES",
    "CardTruth",
    "Identity",
    "PhotoSample",
    "RenderedCard",
    "encode_jpeg",
    "flat_image",
    "identities",
    "make_photo",
    "make_photo_set",
    "random_identity",
    "render_card",
    "tencent_fields",
]
