"""config.example.toml loads as it is and documents every setting."""

from __future__ import annotations

from pathlib import Path

from idcard_ocr.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_example_loads_to_the_defaults() -> None:
    settings = load_settings(EXAMPLE, {})
    defaults = Settings()
    for name in Settings.model_fields.keys() - {"keys", "demo_keys", "max_concurrency"}:
        assert getattr(settings, name) == getattr(defaults, name), name


def test_example_mentions_every_setting() -> None:
    text = EXAMPLE.read_text()
    for name in Settings.model_fields.keys() - {"demo_keys"}:
        assert name in text, name
