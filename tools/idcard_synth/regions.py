"""County-level GB/T 2260 codes read straight from python-stdnum's ``cn/loc.dat``.

Only codes whose current name is still in use are offered: a synthetic address has to be
printable with today's names of province, prefecture and county, and those must agree
with the first six digits of the ID number.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r'^(?P<indent> *)(?P<code>\d+) (?:province|county)="(?P<value>[^"]*)"$')
_NAME = re.compile(r"^(?:\[(?P<since>\d{4})?-(?P<until>\d{4})?\])?(?P<name>.+)$")
# Placeholder entries of GB/T 2260 that never appear in a postal address.
_PLACEHOLDERS = ("市辖区", "县", "市区", "郊区", "矿区")
_MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True)
class County:
    """A county-level code with the names an address would print."""

    code: str
    province: str
    prefecture: str  # empty for municipalities and directly administered county cities
    county: str

    @property
    def is_district(self) -> bool:
        """City district (区): its police station is a branch (分局) of the city bureau."""
        return self.county.endswith("区") and bool(self.prefecture or self.is_municipality)

    @property
    def is_municipality(self) -> bool:
        return self.code[:2] in _MUNICIPALITIES


def loc_dat_path() -> Path:
    spec = importlib.util.find_spec("stdnum")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("python-stdnum is not installed")
    return Path(spec.submodule_search_locations[0]) / "cn" / "loc.dat"


def _current_name(value: str) -> str | None:
    """The name in use today, or None if the code has been abolished."""
    for part in value.split(","):
        match = _NAME.match(part.strip())
        if match is not None and not match["until"]:
            return match["name"]
    return None


@functools.cache
def all_codes() -> dict[str, str | None]:
    """Every 6-digit code in loc.dat (abolished ones too) mapped to its current name."""
    codes: dict[str, str | None] = {}
    province = ""
    for line in loc_dat_path().read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        if not match["indent"]:
            province = match["code"]
            continue
        codes[province + match["code"]] = _current_name(match["value"])
    return codes


def _usable(name: str | None) -> bool:
    return bool(name) and name not in _PLACEHOLDERS and "直辖" not in str(name)


@functools.cache
def counties() -> tuple[County, ...]:
    """County-level codes in use today, with printable names."""
    codes = all_codes()
    result: list[County] = []
    for code, name in sorted(codes.items()):
        if code.endswith("00") or not _usable(name):
            continue
        province = codes.get(code[:2] + "0000")
        prefecture = codes.get(code[:4] + "00")
        if not _usable(province):
            continue
        pref = prefecture if _usable(prefecture) and code[:2] not in _MUNICIPALITIES else ""
        result.append(County(code, str(province), str(pref or ""), str(name)))
    return tuple(result)


@functools.cache
def counties_by_province() -> dict[str, tuple[County, ...]]:
    groups: dict[str, list[County]] = {}
    for county in counties():
        groups.setdefault(county.code[:2], []).append(county)
    return {key: tuple(value) for key, value in groups.items()}
