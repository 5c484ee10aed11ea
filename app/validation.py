"""Checks for the identifiers people type: ID numbers, credit codes, phones, choices, text.

Pure functions: each returns the normalised value or raises ValidationFailed naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any

from app.errors import ValidationFailed
from app.settings import settings

# GB 11643-1999 citizen identity number: ISO 7064 MOD 11-2 over the first 17 digits.
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"
ID_NUMBER_EARLIEST_BIRTH = dt.date(1900, 1, 1)

# GB 32100-2015 unified social credit code: base-31 alphabet without I, O, Z, S, V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_DIGITS = re.compile(r"0\d{9,11}")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]+")
# E.164: a country code and subscriber number, at most 15 digits in all (+15555550100).
_INTERNATIONAL = re.compile(r"\+[1-9]\d{6,14}")


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("must be text", field=field)
    return value.strip()


def check_id_number(value: Any, field: str = "id_number") -> str:
    """A mainland resident ID number (GB 11643-1999) with a valid date and check character."""
    number = _text(value, field).upper()
    if len(number) != 18:
        raise ValidationFailed(f"an ID number has 18 characters, not {len(number)}", field=field)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationFailed("an ID number is 17 digits followed by a digit or X", field=field)
    _birth_date(number, field)
    total = sum(
        int(digit) * weight for digit, weight in zip(number[:17], ID_NUMBER_WEIGHTS, strict=True)
    )
    expected = ID_NUMBER_CHECK_CHARS[total % 11]
    if number[17] != expected:
        raise ValidationFailed(
            f"the check character of this ID number should be {expected}, not {number[17]}"
            " (a digit is mistyped)",
            field=field,
        )
    return number


def _birth_date(number: str, field: str) -> dt.date:
    digits = number[6:14]
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise ValidationFailed(
            f"the birth date {digits} in this ID number is not a real date", field=field
        ) from exc
    if born < ID_NUMBER_EARLIEST_BIRTH:
        raise ValidationFailed(
            f"the birth date {born.isoformat()} in this ID number is before 1900", field=field
        )
    if born > dt.datetime.now(settings.timezone).date():
        raise ValidationFailed(
            f"the birth date {born.isoformat()} in this ID number is in the future", field=field
        )
    return born


def birth_date_of(id_number: str, field: str = "id_number") -> dt.date:
    """The birth date written in a (valid) ID number."""
    return _birth_date(check_id_number(id_number, field), field)


def check_credit_code(value: Any, field: str = "credit_code") -> str:
    """An 18-character unified social credit code (GB 32100-2015) with a valid check character."""
    code = _text(value, field).upper()
    if len(code) != 18:
        raise ValidationFailed(
            f"a unified social credit code has 18 characters, not {len(code)}", field=field
        )
    wrong = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if wrong:
        raise ValidationFailed(
            f"character(s) {', '.join(wrong)} cannot appear in a unified social credit code"
            " (I, O, S, V and Z are never used)",
            field=field,
        )
    if not code[2:8].isdigit():
        raise ValidationFailed(
            f"characters 3–8 of a unified social credit code are the 6-digit division code,"
            f" not {code[2:8]}",
            field=field,
        )
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True)
    )
    expected = CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        raise ValidationFailed(
            f"the check character of this credit code should be {expected}, not {code[17]}"
            " (a character is mistyped)",
            field=field,
        )
    return code


def check_phone(value: Any, field: str = "phone") -> str:
    """A mainland mobile (13812345678) or landline (0551-12345678) number, or an international
    one (+15555550100), normalised.

    Spaces, dashes, dots and brackets are dropped; a +86 prefix is accepted for mobiles, and 00
    is read as +. Landlines are written area code, dash, local number; 010 and 02x are the only
    3-digit area codes. Other countries' numbers are kept in E.164 form.
    """
    number = _PHONE_SEPARATORS.sub("", _text(value, field))
    if number.startswith("00"):
        number = "+" + number[2:]
    if number.startswith("+") and not number.startswith("+86"):
        if _INTERNATIONAL.fullmatch(number):
            return number
        raise ValidationFailed(
            "not an international phone number: expected + country code and number,"
            " such as +15555550100",
            field=field,
        )
    if number.startswith("+86"):
        number = number[3:]
        if not _MOBILE.fullmatch(number):
            raise ValidationFailed("after +86 a mainland mobile number is expected", field=field)
    if _MOBILE.fullmatch(number):
        return number
    if _LANDLINE_DIGITS.fullmatch(number):
        area_length = 3 if number[1] in "12" else 4
        area, local = number[:area_length], number[area_length:]
        if 7 <= len(local) <= 8:
            return f"{area}-{local}"
    raise ValidationFailed(
        "not a phone number: expected a mobile such as 13812345678, a landline such as"
        " 0551-12345678 or an international number such as +15555550100",
        field=field,
    )


def check_optional_phone(value: Any, field: str = "phone") -> str:
    """A checked phone, or "" when none is given (phone columns store "" for no phone)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return check_phone(value, field)


def read_contact_phone(value: Any, field: str = "phone") -> tuple[str, bool]:
    """A resident's contact number and whether it is one: (normalised phone, True), ("", True)
    when none is given, or (the text as typed, False) when it does not read as a phone number.

    For reports from the public: a contact detail that does not parse must not lose the
    report; it is kept as typed and flagged so that staff know to check it before calling.
    """
    try:
        return check_optional_phone(value, field), True
    except ValidationFailed:
        return _text(value, field), False


def check_whole(value: Any, field: str, low: int, high: int) -> int:
    """A whole number from `low` to `high` (a JSON integer, not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            f"须为{low}到{high}之间的整数 a whole number {low}–{high}", field=field
        )
    return value


def check_choice(value: Any, choices: type[StrEnum], field: str) -> str:
    """One of the values of a closed vocabulary (tables.choices)."""
    allowed = [choice.value for choice in choices]
    if value not in allowed:
        raise ValidationFailed(f"{value!r} is not one of: {', '.join(allowed)}", field=field)
    return str(value)


def check_text(value: Any, field: str, max_length: int | None = None, required: bool = True) -> str:
    """Stripped text, non-empty when `required`, at most `max_length` characters."""
    if value is None and not required:
        return ""
    text = _text(value, field)
    if required and not text:
        raise ValidationFailed("is required", field=field)
    if max_length is not None and len(text) > max_length:
        raise ValidationFailed(
            f"is {len(text)} characters long; at most {max_length} are allowed", field=field
        )
    return text
