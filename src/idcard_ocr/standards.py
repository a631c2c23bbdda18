"""National standards behind the Resident Identity Card, as pure functions.

* GB 11643 citizen identity number: 6-digit region (GB/T 2260), 8-digit birth date,
  3-digit sequence whose last digit is odd for men, ISO 7064 MOD 11-2 check character.
* GB/T 2260 region codes, shipped as ``data/regions.tsv`` (historical codes included,
  because a number keeps the code of the place it was first issued for life).
* GB 3304 ethnic groups, shipped as ``data/nations.txt``.
* The 2003 Resident Identity Card Law on validity terms (article 5).

The only I/O is reading the two data files once; everything else is deterministic.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass
from importlib import resources

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")
_ID_FORMAT = re.compile(r"^[0-9]{17}[0-9X]$")

# Characters an OCR engine returns in place of a digit on the number line.  Only
# non-digits are ever mapped: a digit misread as another digit cannot be told apart.
_CONFUSABLE = {
    **dict.fromkeys("OoDQ", "0"),
    **dict.fromkeys("Il|i", "1"),
    **dict.fromkeys("Zz", "2"),
    **dict.fromkeys("Ss", "5"),
    **dict.fromkeys("Gb", "6"),
    "T": "7",
    "B": "8",
    **dict.fromkeys("gq", "9"),
}
# Full-width forms (０-９, Ｘ, ．) come out of CJK-trained recognisers; fold them first.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

# Youngest birth year the 18-digit format can hold is 1800 (the century is spelled out);
# anything earlier is an OCR error, not a person.
_MIN_BIRTH_YEAR = 1800


def _data_text(name: str) -> str:
    return resources.files("idcard_ocr").joinpath("data").joinpath(name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- check digit


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


# --------------------------------------------------------------------------- regions


@dataclass(frozen=True)
class Region:
    """A GB/T 2260 code.  ``prefecture``/``county`` are empty for higher-level codes.

    Names are the most recent ones; placeholders such as 市辖区 or 省直辖县级行政单位
    are kept as GB/T 2260 spells them.
    """

    code: str
    province: str
    prefecture: str
    county: str
    former_names: tuple[str, ...] = ()


@functools.cache
def _regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    lines = (line for line in _data_text("regions.tsv").splitlines() if line)
    for line in lines:
        if line.startswith(("#", "code\t")):
            continue
        code, province, prefecture, county, former = line.split("\t")
        names = tuple(former.split("、")) if former else ()
        regions[code] = Region(code, province, prefecture, county, names)
    return regions


def region_of(code6: str) -> Region | None:
    """The region for a 6-digit GB/T 2260 code, or None if the code never existed."""
    return _regions().get(code6)


def is_known_region(code6: str) -> bool:
    return code6 in _regions()


@functools.cache
def region_name_starts() -> frozenset[str]:
    """The first two characters of every province, prefecture and county name."""
    names = (n for r in _regions().values() for n in (r.province, r.prefecture, r.county))
    return frozenset(n[:2] for n in names if len(n) >= 2)


@functools.cache
def province_names() -> frozenset[str]:
    """The provincial-level divisions' names (北京市, 新疆维吾尔自治区 ...)."""
    return frozenset(r.province for r in _regions().values() if r.province)


# --------------------------------------------------------------------------- nations


def _load_nations() -> tuple[str, ...]:
    return tuple(line.strip() for line in _data_text("nations.txt").splitlines() if line.strip())


NATIONS: tuple[str, ...] = _load_nations()
_NATION_SET = frozenset(NATIONS)


def normalize_nation(text: str) -> str | None:
    """Map '汉' or '汉族' to '汉'; None for anything outside the 56 GB 3304 groups."""
    name = text.strip()
    # Only one 族 is stripped: no group's own name ends in 族.
    name = name.removesuffix("族")
    return name if name in _NATION_SET else None


# --------------------------------------------------------------------------- ID number


@dataclass(frozen=True)
class IdNumberFacts:
    """What an 18-character ID number says about its holder.

    Fields are filled in as far as the characters allow even when ``format_ok`` is
    False, so a caller can report *why* a number is wrong.
    """

    region_code: str
    birth: dt.date | None
    sex: str | None  # '男' / '女'; None when the sex digit is not a digit
    check_ok: bool
    format_ok: bool
    region_known: bool

    @property
    def valid(self) -> bool:
        return self.format_ok and self.check_ok and self.region_known and self.birth is not None


def _birth_of(yyyymmdd: str) -> dt.date | None:
    if len(yyyymmdd) != 8 or not set(yyyymmdd) <= _DIGITS:
        return None
    try:
        birth = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return None
    return birth if birth.year >= _MIN_BIRTH_YEAR else None


def id_number_facts(id18: str) -> IdNumberFacts:
    """Decode an ID number.  A lower-case x is *not* format_ok: the card prints 'X'."""
    format_ok = len(id18) == 18 and _ID_FORMAT.match(id18) is not None
    sex_char = id18[16:17]
    sex = ("男" if int(sex_char) % 2 else "女") if sex_char in _DIGITS else None
    region_code = id18[:6]
    return IdNumberFacts(
        region_code=region_code,
        birth=_birth_of(id18[6:14]),
        sex=sex,
        check_ok=format_ok and id_check_digit(id18[:17]) == id18[17],
        format_ok=format_ok,
        region_known=is_known_region(region_code),
    )


def _position_options(char: str, last: bool) -> list[tuple[str, int]]:
    """(replacement, substitutions) choices for one character of an OCR'd number."""
    if char in _DIGITS or (last and char == "X"):
        return [(char, 0)]
    options = [(_CONFUSABLE[char], 1)] if char in _CONFUSABLE else []
    if last:
        # Anything non-digit in the check position may be a mangled X (x, ×, K, Χ ...).
        options.append(("X", 1))
    return options


def correct_id_number(raw: str) -> tuple[str, ...]:
    """Valid 18-character numbers reachable from ``raw`` by undoing OCR confusions.

    Only non-digit characters are replaced; candidates must pass the check digit, have
    a real birth date and a known region.  Fewest substitutions first.  The length is
    never repaired: a dropped or extra character yields ().
    """
    text = raw.strip().translate(_FULLWIDTH)
    if len(text) != 18:
        return ()
    choices = [_position_options(char, index == 17) for index, char in enumerate(text)]
    scored: set[tuple[int, str]] = set()
    for combo in itertools.product(*choices):
        candidate = "".join(char for char, _ in combo)
        if id_number_facts(candidate).valid:
            scored.add((sum(cost for _, cost in combo), candidate))
    return tuple(candidate for _, candidate in sorted(scored))


# --------------------------------------------------------------------------- dates / validity

_CARD_DATE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?$")


def parse_card_date(text: str) -> dt.date | None:
    """'2015.06.08' (validity line) or '1990年1月1日' (birth line) -> date; None if unreal."""
    match = _CARD_DATE.match(text.strip().translate(_FULLWIDTH))
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _anniversary_matches(start: dt.date, end: dt.date) -> bool:
    if (end.month, end.day) == (start.month, start.day):
        return True
    # A card issued on 29 Feb expires on 28 Feb or 1 Mar, depending on the issuing office.
    return (start.month, start.day) == (2, 29) and (end.month, end.day) in {(2, 28), (3, 1)}


def validity_term_years(start: dt.date, end: dt.date) -> int | None:
    """Whole years from ``start`` to ``end`` if ``end`` is an anniversary of it, else None."""
    if end <= start or not _anniversary_matches(start, end):
        return None
    return end.year - start.year


def _age_on(birth: dt.date, day: dt.date) -> int:
    had_birthday = (day.month, day.day) >= (birth.month, birth.day)
    return day.year - birth.year - (0 if had_birthday else 1)


def _legal_term(age: int) -> int | None:
    """Validity term in years by age at issue (Resident Identity Card Law art. 5)."""
    if age < 16:
        return 5
    if age <= 25:
        return 10
    if age <= 45:
        return 20
    return None  # 长期


def validity_term_ok(birth: dt.date, start: dt.date, end: dt.date | None) -> bool:
    """Whether a validity period fits the holder's age; ``end`` None means 长期.

    The neighbouring age band is accepted too: the age that counts is the one at
    application, and a card is often issued weeks later, after a birthday.
    """
    if start < birth:
        return False
    age = _age_on(birth, start)
    allowed = {_legal_term(a) for a in (age - 1, age, age + 1) if a >= 0}
    if end is None:
        return None in allowed
    return validity_term_years(start, end) in allowed - {None}
