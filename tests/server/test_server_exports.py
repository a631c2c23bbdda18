"""The public surface of the server package and the settings module, exactly."""

from __future__ import annotations

import idcard_ocr.config
import idcard_ocr.server


def test_server_exports() -> None:
    assert idcard_ocr.server.__all__ == ["CardReader", "ProcessReader", "create_app", "serve"]


def test_config_exports() -> None:
    assert idcard_ocr.config.__all__ == [
        "ENV_PREFIX",
        "Settings",
        "SettingsError",
        "generate_key_pair",
        "load_settings",
        "read_keys_file",
    ]
