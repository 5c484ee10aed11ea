"""Personal data leaves the platform masked: ID numbers, phones and contacts."""

from __future__ import annotations

from app.masking import mask_contact, mask_id_number, mask_phone, mask_row


def test_id_number_keeps_first_and_last_four() -> None:
    assert mask_id_number("340702199001011234") == "3407**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"


def test_phone_keeps_first_three_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0551-12345678") == "055******5678"


def test_missing_and_short_values_are_safe() -> None:
    assert mask_id_number(None) is None
    assert mask_phone(None) is None
    assert mask_contact(None) is None
    assert mask_id_number("") == ""
    assert mask_phone("") == ""
    # Too short to keep both ends without showing everything: all stars.
    assert mask_id_number("12345678") == "********"
    assert mask_phone("1234567") == "*******"
    assert mask_phone("12") == "**"


def test_contact_masks_email_or_phone() -> None:
    assert mask_contact("zhang.san@example.org") == "z********@example.org"
    assert mask_contact("13812345678") == "138****5678"


def test_mask_row_masks_personal_columns_only() -> None:
    row = {
        "id": 7,
        "name": "张三",
        "id_number": "340702199001011234",
        "phone": "13812345678",
        "contact_phone": "0551-12345678",
        "raised_by_contact": "13900001111",
    }
    masked = mask_row(row)
    assert masked == {
        "id": 7,
        "name": "张三",
        "id_number": "3407**********1234",
        "phone": "138****5678",
        "contact_phone": "055******5678",
        "raised_by_contact": "139****1111",
    }
    assert row["id_number"] == "340702199001011234"  # the input is not changed


def test_mask_row_limited_to_given_fields_and_missing_columns() -> None:
    row = {"phone": "13812345678", "id_number": None}
    assert mask_row(row, fields=("phone",)) == {"phone": "138****5678", "id_number": None}
    assert mask_row({"name": "李四"}) == {"name": "李四"}
