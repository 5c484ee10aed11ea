"""The one place personal data is masked for output (PIPL): ID numbers, phones, contacts.

The admin, the API and reports call these; whether a role may see the clear value is decided
by the caller, how a value is masked is decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

STAR = "*"


def _keep_ends(value: str, head: int, tail: int) -> str:
    """Keep `head` and `tail` characters; values too short to hide anything are all stars."""
    if len(value) <= head + tail:
        return STAR * len(value)
    return value[:head] + STAR * (len(value) - head - tail) + value[-tail:]


def mask_id_number(value: str | None) -> str | None:
    """ID number with only the first 4 and last 4 characters visible: 3407**********1234."""
    if not value:
        return value
    return _keep_ends(str(value), 4, 4)


def mask_phone(value: str | None) -> str | None:
    """Phone with the first 3 and last 4 characters visible: 138****5678."""
    if not value:
        return value
    return _keep_ends(str(value), 3, 4)


def mask_contact(value: str | None) -> str | None:
    """Free-form contact: an e-mail keeps its first letter and domain, anything else is a phone."""
    if not value:
        return value
    text = str(value)
    local, at, domain = text.partition("@")
    if at and local and domain:
        return local[0] + STAR * max(len(local) - 1, 1) + "@" + domain
    return mask_phone(text)


def mask_name(value: str | None) -> str | None:
    """张三丰 -> 张**: the family name stays, so staff can still address a letter."""
    if not value:
        return value
    return value[0] + STAR * max(len(value) - 1, 1)


MASKERS: dict[str, Callable[[str | None], str | None]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "contact_phone": mask_phone,
    "raised_by_contact": mask_contact,
    "raised_by_name": mask_name,
}
PERSONAL_FIELDS: tuple[str, ...] = tuple(MASKERS)


def hide(value: Any) -> None:
    """A link or date that would tell who the person is: not shown at all."""
    return None


# Party membership (党员身份) is personal data: for roles that do not run party work, who a
# member is — name, the resident or staff record, the admin's labels of those links, the day
# they joined — is masked; kind, grid and unit stay, so the counts still add up.
MEMBERSHIP_MASKERS: dict[str, Callable[[Any], Any]] = {
    "member_name": mask_name,
    "resident": hide,
    "staff": hide,
    "resident_readable": hide,
    "staff_readable": hide,
    "joined_on": hide,
}
MEMBERSHIP_FIELDS: tuple[str, ...] = tuple(MEMBERSHIP_MASKERS)


def mask_membership(row: dict[str, Any]) -> dict[str, Any]:
    """A copy of a party member row with who the member is masked."""
    masked = dict(row)
    for name, masker in MEMBERSHIP_MASKERS.items():
        if name in masked:
            masked[name] = masker(masked[name])
    return masked


def mask_row(row: dict[str, Any], fields: Iterable[str] = PERSONAL_FIELDS) -> dict[str, Any]:
    """A copy of `row` with the personal columns among `fields` masked (others untouched)."""
    masked = dict(row)
    for name in fields:
        if name in masked:
            masker = MASKERS.get(name, mask_contact)
            masked[name] = masker(masked[name])
    return masked
