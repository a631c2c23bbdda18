"""Validate: check what was read against the national standards, and use those constraints to
undo OCR confusions where exactly one reading fits. Formats the fields as Tencent does."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import standards
from ..errors import IdCardInfoIllegal
from ..result import CardSide, Check
from .parse import ParsedCard, RawField
from .timing import stopwatch

_DIGIT_LOOKALIKES = str.maketrans("OoDQIl|iZzSsBGbgqT", "000011112255866997")
# Digits an OCR engine swaps for each other; used only when the check digit then agrees.
_DIGIT_CONFUSIONS = {
    "0": "689",
    "1": "7",
    "2": "7",
    "3": "58",
    "5": "63",
    "6": "085",
    "7": "12",
    "8": "0369",
    "9": "08",
}
# One-character group names the recogniser reads as a look-alike character: 畬 is the older
# form of 畲 (She), which general-purpose Chinese text uses and the card never prints.
_NATION_LOOKALIKES = {"畬": "畲"}


# A number read this surely is taken as printed: a wrong check digit then means a forged or
# mistyped card, which must not be "corrected" into a valid one.
SWAP_MAX_CONFIDENCE = 0.97
ILLEGAL_MIN_CONFIDENCE = 0.97


@dataclass(frozen=True)
class ValidatedCard:
    side: CardSide
    texts: dict[str, str]
    """Final field texts in Tencent's formats."""
    confidences: dict[str, float]
    checks: tuple[Check, ...]
    elapsed_ms: float


def validate_card(parsed: ParsedCard) -> ValidatedCard:
    with stopwatch() as elapsed:
        if parsed.side is CardSide.FRONT:
            texts, checks = _validate_front(parsed.fields)
        else:
            texts, checks = _validate_back(parsed.fields)
    confidences = {name: field.confidence for name, field in parsed.fields.items()}
    return ValidatedCard(parsed.side, texts, confidences, tuple(checks), elapsed[0])


def _validate_front(fields: dict[str, RawField]) -> tuple[dict[str, str], list[Check]]:
    read_birth = _birth_from_text(fields["birth"].text)
    id_num = _best_id_number(
        fields["id_num"].text.upper(), fields["id_num"].confidence, read_birth, fields["sex"].text
    )
    facts = standards.id_number_facts(id_num)
    birth = _reconcile_birth(read_birth, facts.birth)
    sex = fields["sex"].text or (facts.sex or "")
    nation = _closest_nation(fields["nation"].text)
    checks = [
        Check("id_number_format", facts.format_ok, id_num and f"{len(id_num)} characters"),
        Check("id_number_check_digit", facts.check_ok),
        Check("region_code", facts.region_known, facts.region_code),
        Check("birth_matches_id", birth is not None and birth == facts.birth),
        Check("sex_matches_id", bool(sex) and sex == facts.sex),
        Check("nation_known", nation in standards.NATIONS, nation),
    ]
    if (
        facts.format_ok
        and not facts.check_ok
        and fields["id_num"].confidence >= ILLEGAL_MIN_CONFIDENCE
    ):
        raise IdCardInfoIllegal("the ID number's check digit is wrong: this cannot be a real card")
    texts = {
        "name": fields["name"].text,
        "sex": sex,
        "nation": nation,
        "birth": f"{birth.year}/{birth.month}/{birth.day}" if birth else "",
        "address": _restore_region_names(
            _drop_stray_prefix(fields["address"].text, _province_starts()), facts.region_code
        ),
        "id_num": id_num,
    }
    return texts, checks


# GB/T 2260 names for levels that are not printed in addresses.
_UNPRINTED_LEVELS = ("市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位")


def _province_starts() -> frozenset[str]:
    return frozenset(name[:2] for name in standards.province_names())


def _drop_stray_prefix(text: str, starts: frozenset[str]) -> str:
    """Addresses start with a province's name and authorities with a place name: one or two
    stray characters before such a name are a misread label or a speck."""
    if text[:2] in starts:
        return text
    for skip in (1, 2):
        if text[skip : skip + 2] in starts:
            return text[skip:]
    return text


def _restore_region_names(address: str, region_code: str) -> str:
    """Most holders live where their number was issued: where the address starts with the
    number's province, prefecture and county names but for one or two misread characters,
    the official names are restored (a moved holder's address differs far more)."""
    region = standards.region_of(region_code)
    if region is None:
        return address
    levels = [n for n in (region.province, region.prefecture, region.county) if n]
    levels = [n for n in levels if n not in _UNPRINTED_LEVELS]
    for count in range(len(levels), 0, -1):
        prefix = "".join(dict.fromkeys(levels[:count]))
        head = address[: len(prefix)]
        if len(prefix) >= 4 and len(head) == len(prefix):
            wrong = sum(a != b for a, b in zip(head, prefix, strict=True))
            if 0 < wrong <= min(2, len(prefix) // 4):
                return prefix + address[len(prefix) :]
            if wrong == 0:
                return address
    return address


def _closest_nation(text: str) -> str:
    """One of the 56 as printed; a reading one character off exactly one of them is it."""
    exact = standards.normalize_nation(text)
    if exact is not None:
        return exact
    bare = text.removesuffix("族")
    if bare in _NATION_LOOKALIKES:
        return _NATION_LOOKALIKES[bare]
    near = [
        n
        for n in standards.NATIONS
        if len(n) == len(bare) >= 2 and sum(a != b for a, b in zip(n, bare, strict=True)) == 1
    ]
    return near[0] if len(near) == 1 else text


def _birth_from_text(text: str) -> dt.date | None:
    digits = re.findall(r"\d+", text.translate(_DIGIT_LOOKALIKES))
    if len(digits) >= 3 and len(digits[0]) == 4:
        return standards.parse_card_date(f"{digits[0]}.{digits[1]}.{digits[2]}")
    joined = "".join(digits)
    if len(joined) == 8:
        return standards.parse_card_date(f"{joined[:4]}.{joined[4:6]}.{joined[6:]}")
    return None


def _reconcile_birth(read: dt.date | None, from_id: dt.date | None) -> dt.date | None:
    """The ID number is protected by its check digit; a birth line one digit off is a misread."""
    if read is None or from_id is None:
        return read or from_id
    differing = sum(a != b for a, b in zip(f"{read:%Y%m%d}", f"{from_id:%Y%m%d}", strict=True))
    return from_id if differing <= 1 else read


def _best_id_number(raw: str, confidence: float, read_birth: dt.date | None, read_sex: str) -> str:
    if standards.id_number_facts(raw).valid:
        return raw
    fixed = standards.correct_id_number(raw)
    if fixed:
        return fixed[0]
    if confidence >= SWAP_MAX_CONFIDENCE:
        return raw
    candidates = _digit_swaps(raw.translate(_DIGIT_LOOKALIKES))
    consistent = [c for c in candidates if _agrees(c, read_birth, read_sex)]
    return consistent[0] if len(consistent) == 1 else raw


def _digit_swaps(raw: str) -> list[str]:
    """Valid numbers one confusable-digit swap away from `raw`."""
    if len(raw) != 18 or not raw[:17].isdigit():
        return []
    found = []
    for index, digit in enumerate(raw):
        for other in _DIGIT_CONFUSIONS.get(digit, ""):
            candidate = raw[:index] + other + raw[index + 1 :]
            if standards.id_number_facts(candidate).valid:
                found.append(candidate)
    return found


def _agrees(id_num: str, read_birth: dt.date | None, read_sex: str) -> bool:
    facts = standards.id_number_facts(id_num)
    return (read_birth is None or facts.birth == read_birth) and (
        not read_sex or facts.sex == read_sex
    )


def _validate_back(fields: dict[str, RawField]) -> tuple[dict[str, str], list[Check]]:
    start, end, long_term = _validity_from_text(fields["valid_date"].text)
    term = standards.validity_term_years(start, end) if start and end else None
    checks = [
        Check("validity_dates_real", start is not None and (end is not None or long_term)),
        Check("validity_term", long_term or term in (5, 10, 20), f"{term or '长期'} years"),
    ]
    if start and end and end <= start:
        raise IdCardInfoIllegal("the card expires before it was issued")
    valid_date = ""
    if start:
        tail = "长期" if long_term else (end.strftime("%Y.%m.%d") if end else "")
        valid_date = f"{start:%Y.%m.%d}-{tail}"
    authority = _drop_stray_prefix(fields["authority"].text, standards.region_name_starts())
    checks.append(Check("authority_plausible", authority.endswith(("局", "分局", "所"))))
    return {"authority": authority, "valid_date": valid_date}, checks


_CARD_DATE = re.compile(r"((?:19|20)\d{2})[.\s]*(\d{2})[.\s]*(\d{2})")


def _validity_from_text(text: str) -> tuple[dt.date | None, dt.date | None, bool]:
    normalized = text.translate(_DIGIT_LOOKALIKES)
    dates = [_date8("".join(m.groups())) for m in _CARD_DATE.finditer(normalized)]
    long_term = "长" in text or "期" in text
    start = dates[0] if dates else None
    end = None if long_term or len(dates) < 2 else dates[1]
    return start, end, long_term


def _date8(digits: str) -> dt.date | None:
    if len(digits) != 8:
        return None
    return standards.parse_card_date(f"{digits[:4]}.{digits[4:6]}.{digits[6:]}")


def validity_fits_age(front: ValidatedCard, back: ValidatedCard) -> Check:
    """Both sides seen: the validity term must fit the holder's age at issue (5, 10, 20 years
    or 长期 by the Resident Identity Card Law)."""
    birth = standards.parse_card_date(front.texts.get("birth", "").replace("/", "."))
    start, end, long_term = _validity_from_text(back.texts.get("valid_date", ""))
    if birth is None or start is None or (end is None and not long_term):
        return Check("validity_term_fits_age", False, "dates unreadable")
    return Check("validity_term_fits_age", standards.validity_term_ok(birth, start, end))
