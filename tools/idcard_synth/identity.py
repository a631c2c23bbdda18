"""Random but standard-conforming card holders (GB 11643 numbers, legal validity terms)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from idcard_synth.address import address_lines, authority_for, random_address
from idcard_synth.names import HOME_PROVINCE, NATIONS, random_name
from idcard_synth.regions import County, counties, counties_by_province

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_HAN_SHARE = 0.4
_X_SHARE = 0.1  # MOD 11-2 gives X for 1 in 11 numbers; make it explicit and testable
_MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True)
class Identity:
    name: str
    sex: str  # '男' | '女'
    nation: str  # without 族
    birth: dt.date
    address: str
    id_num: str
    authority: str
    valid_from: dt.date
    valid_to: dt.date | None  # None = 长期

    @property
    def address_lines(self) -> list[str]:
        return address_lines(self.address)

    @property
    def valid_date(self) -> str:
        end = "长期" if self.valid_to is None else self.valid_to.strftime("%Y.%m.%d")
        return f"{self.valid_from.strftime('%Y.%m.%d')}-{end}"


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def make_id_number(rng: random.Random, region: str, birth: dt.date, sex: str, x: bool) -> str:
    """A valid number; the 3-digit sequence is chosen so the check digit is (not) X."""
    parity = 1 if sex == "男" else 0
    sequences = [s for s in range(1000) if s % 2 == parity]
    rng.shuffle(sequences)
    for seq in sequences:
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        check = check_digit(first17)
        if (check == "X") == x:
            return first17 + check
    raise AssertionError("unreachable: every residue occurs among 500 sequences")


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month/day N years later; 29 Feb falls back to 28 Feb in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validity_years(birth: dt.date, issued: dt.date) -> int | None:
    """Article 5 of the Resident Identity Card Law: term by age at issue, None = 长期."""
    age = issued.year - birth.year - ((issued.month, issued.day) < (birth.month, birth.day))
    if age < 16:
        return 5
    if age <= 25:
        return 10
    if age <= 45:
        return 20
    return None


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _pick_county(rng: random.Random, nation: str, lines: int) -> County:
    by_province = counties_by_province()
    if lines == 1:  # short one-line addresses are realistic only in municipalities
        return rng.choice(by_province[rng.choice(_MUNICIPALITIES)])
    home = HOME_PROVINCE.get(nation)
    if home is not None and rng.random() < 0.8:
        return rng.choice(by_province[home])
    return rng.choice(counties())


def random_identity(rng: random.Random, nation: str | None = None) -> Identity:
    """One card holder; ``nation`` forces the group (see :func:`identities`)."""
    if nation is None:
        others = NATIONS[1:]
        nation = NATIONS[0] if rng.random() < _HAN_SHARE else rng.choice(others)
    sex = rng.choice(("男", "女"))
    birth = _random_date(rng, dt.date(1940, 1, 1), dt.date(2015, 12, 31))
    issued = _random_date(
        rng, max(birth + dt.timedelta(days=30), dt.date(2005, 1, 1)), dt.date(2025, 12, 31)
    )
    years = validity_years(birth, issued)
    lines = rng.choices((1, 2, 3, 4), weights=(1, 4, 4, 1))[0]
    county = _pick_county(rng, nation, lines)
    return Identity(
        name=random_name(rng, nation),
        sex=sex,
        nation=nation,
        birth=birth,
        address=random_address(rng, county, lines),
        id_num=make_id_number(rng, county.code, birth, sex, rng.random() < _X_SHARE),
        authority=authority_for(county),
        valid_from=issued,
        valid_to=None if years is None else add_years(issued, years),
    )


def identities(seed: int, count: int) -> list[Identity]:
    """Deterministic set in which every group appears once per 55 minority cards.

    Independent draws would leave a rare group out of a few hundred cards about half the
    time; dealing the 55 minority groups from reshuffled decks guarantees full coverage.
    """
    rng = random.Random(seed)
    deck: list[str] = []
    result: list[Identity] = []
    for _ in range(count):
        if rng.random() < _HAN_SHARE:
            nation = NATIONS[0]
        else:
            if not deck:
                deck = list(NATIONS[1:])
                rng.shuffle(deck)
            nation = deck.pop()
        result.append(random_identity(rng, nation))
    return result


def tencent_fields(identity: Identity) -> dict[str, str]:
    """The fields Tencent's IDCardOCR returns for this card, formatted exactly."""
    birth = identity.birth
    return {
        "Name": identity.name,
        "Sex": identity.sex,
        "Nation": identity.nation,
        "Birth": f"{birth.year}/{birth.month}/{birth.day}",
        "Address": identity.address.replace(" ", ""),
        "IdNum": identity.id_num,
        "Authority": identity.authority,
        "ValidDate": identity.valid_date,
    }
