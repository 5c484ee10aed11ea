"""ID numbers, credit codes and phones are checked the way the national standards define them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import pytest

from app.errors import ValidationFailed
from app.validation import (
    birth_date_of,
    check_choice,
    check_credit_code,
    check_id_number,
    check_optional_phone,
    check_phone,
    check_text,
    read_contact_phone,
)

# Computed here from the tables printed in the standards, independently of app.validation.


def id_number(first17: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, check = '10X98765432'[sum mod 11]."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    assert weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def credit_code(first17: str) -> str:
    """GB 32100-2015: weights 3^i mod 31, check = (31 - sum mod 31) mod 31."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [pow(3, i, 31) for i in range(17)]
    assert weights == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(alphabet.index(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + alphabet[(31 - total % 31) % 31]


def wrong_last(code: str, alphabet: str) -> str:
    return code[:17] + next(c for c in alphabet if c != code[17])


def test_helpers_agree_with_published_examples() -> None:
    # The worked example of GB 11643 and a published credit code (Huawei Technologies).
    assert id_number("11010519491231002") == "11010519491231002X"
    assert credit_code("91440300192203821") == "914403001922038216"
    assert check_credit_code("914403001922038216") == "914403001922038216"


# ---------------------------------------------------------------- ID numbers

VALID_ID = id_number("34070219900101123")


def test_id_number_accepted_and_birth_date_read() -> None:
    assert check_id_number(VALID_ID) == VALID_ID
    assert birth_date_of(VALID_ID) == dt.date(1990, 1, 1)
    assert check_id_number("11010519491231002X") == "11010519491231002X"
    assert birth_date_of("11010519491231002X") == dt.date(1949, 12, 31)


def test_id_number_lowercase_x_and_spaces_normalised() -> None:
    assert check_id_number(" 11010519491231002x ") == "11010519491231002X"


def _x_ending() -> str:
    for serial in range(1000):
        number = id_number(f"34070219851203{serial:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check char found")


def test_id_number_with_x_check_char_accepted() -> None:
    number = _x_ending()
    assert check_id_number(number.lower()) == number


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (VALID_ID[:17], "18 characters"),
        (VALID_ID + "1", "18 characters"),
        ("3407021990010112A" + "3", "17 digits"),
        (VALID_ID[:17] + "Y", "17 digits"),
        (wrong_last(VALID_ID, "0123456789X"), "check character"),
        (id_number("34070219900230123"), "not a real date"),  # 30 February
        (id_number("34070219901301123"), "not a real date"),  # month 13
        (id_number("34070218991231123"), "before 1900"),
        (id_number(f"340702{dt.date.today().year + 1}0101123"), "in the future"),
        ("", "18 characters"),
    ],
)
def test_id_number_refused(value: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_id_number(value)
    assert exc.value.field == "id_number"
    assert reason in exc.value.detail


def test_id_number_refusal_names_the_given_field() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_id_number(12345, field="guardian_id")
    assert exc.value.field == "guardian_id"


def test_birth_date_of_refuses_invalid_number() -> None:
    with pytest.raises(ValidationFailed) as exc:
        birth_date_of(wrong_last(VALID_ID, "0123456789X"))
    assert exc.value.field == "id_number"


# ---------------------------------------------------------------- credit codes

# 9 (registered by market regulation) 1 (enterprise) 340702 (division) MA2N0TQ8X + check
VALID_CREDIT = credit_code("91340702MA2N0TQ8X")


def test_credit_code_accepted() -> None:
    assert check_credit_code(VALID_CREDIT) == VALID_CREDIT
    other = credit_code("12340702000123456")
    assert check_credit_code(other) == other


def test_credit_code_uppercased() -> None:
    assert check_credit_code(" " + VALID_CREDIT.lower() + " ") == VALID_CREDIT


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (VALID_CREDIT[:17], "18 characters"),
        (VALID_CREDIT + "0", "18 characters"),
        (VALID_CREDIT[:10] + "I" + VALID_CREDIT[11:], "cannot appear"),
        (VALID_CREDIT[:10] + "O" + VALID_CREDIT[11:], "cannot appear"),
        (VALID_CREDIT[:10] + "Z" + VALID_CREDIT[11:], "cannot appear"),
        (VALID_CREDIT[:10] + "S" + VALID_CREDIT[11:], "cannot appear"),
        (VALID_CREDIT[:10] + "V" + VALID_CREDIT[11:], "cannot appear"),
        (VALID_CREDIT[:10] + "-" + VALID_CREDIT[11:], "cannot appear"),
        (credit_code("9134A702MA2N0TQ00"), "division code"),
        (wrong_last(VALID_CREDIT, "0123456789ABCDEFGHJKLMNPQRTUWXY"), "check character"),
    ],
)
def test_credit_code_refused(value: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_credit_code(value)
    assert exc.value.field == "credit_code"
    assert reason in exc.value.detail


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0551-12345678", "0551-12345678"),
        ("0551 1234567", "0551-1234567"),
        ("055112345678", "0551-12345678"),
        ("010-12345678", "010-12345678"),
        ("02112345678", "021-12345678"),
        ("+1 555 555 0100", "+15555550100"),
        ("+1 (555) 555-0100", "+15555550100"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+852 2123 4567", "+85221234567"),
    ],
)
def test_phone_accepted_and_normalised(value: str, expected: str) -> None:
    assert check_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",  # no mobile prefix 12
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "0551-123456",  # 6-digit local number
        "010-123456789",  # 9-digit local number
        "5512345678",  # landline without leading 0
        "+86 0551-12345678",
        "+0 123 4567",  # no country code starts with 0
        "+1 555",  # too short for any country
        "+1234567890123456",  # 16 digits: longer than E.164 allows
        "phone",
        "",
    ],
)
def test_phone_refused(value: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_phone(value, field="contact_phone")
    assert exc.value.field == "contact_phone"


def test_a_contact_that_is_no_phone_number_is_kept_as_typed_and_flagged() -> None:
    assert read_contact_phone("138 1234 5678") == ("13812345678", True)
    assert read_contact_phone("+1 555 555 0100") == ("+15555550100", True)
    assert read_contact_phone("") == ("", True)
    assert read_contact_phone(" 5555550100 ") == ("5555550100", False)
    assert read_contact_phone("call the caretaker") == ("call the caretaker", False)


def test_optional_phone_allows_none_and_blank() -> None:
    assert check_optional_phone(None) == ""
    assert check_optional_phone("  ") == ""
    assert check_optional_phone("138 1234 5678") == "13812345678"


# ---------------------------------------------------------------- choices and text


class Colour(StrEnum):
    red = "red"


def test_choice_and_text() -> None:
    assert check_choice("red", Colour, "colour") == "red"
    with pytest.raises(ValidationFailed) as exc:
        check_choice("blue", Colour, "colour")
    assert exc.value.field == "colour"
    assert check_text("  a  ", "name", 5) == "a"
    assert check_text(None, "note", required=False) == ""
    with pytest.raises(ValidationFailed) as exc:
        check_text("   ", "name")
    assert exc.value.field == "name"
    with pytest.raises(ValidationFailed) as exc:
        check_text("abcdef", "name", 5)
    assert exc.value.field == "name"
