"""GeoReport v2 formats: every resource in JSON and XML, chosen by the path's extension.

XML follows the spec's element names: a list is written as its container element holding one
child element per item (`<services><service>…`, `<errors><error>…`), None as an empty element,
booleans as true/false. Characters XML 1.0 cannot carry are dropped from text.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from enum import StrEnum
from typing import Any, TypeVar, cast

import msgspec
from litestar import Response

from app.settings import settings

T = TypeVar("T")


class Format(StrEnum):
    json = "json"
    xml = "xml"


MEDIA_TYPES = {
    Format.json: "application/json; charset=utf-8",
    Format.xml: "text/xml; charset=utf-8",
}

# Element name of each item of a list, by the list's element name.
ITEM_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def split_format(name: str) -> tuple[str, Format | None]:
    """("W12", Format.json) for "W12.json"; the format is None when the extension is not known."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return name, None
    try:
        return stem, Format(extension.lower())
    except ValueError:
        return stem, None


def format_of_path(path: str) -> Format:
    """The format a request asked for by its extension; JSON when the extension is missing."""
    return split_format(path.rsplit("/", 1)[-1])[1] or Format.json


def w3c_datetime(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the local offset, as the spec's examples write it (2026-11-23T15:30:00+08:00)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(settings.timezone).isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_ELEMENTS.get(name, "item")
        for item in value:
            _append(element, item_name, item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` (structs, dicts, lists, scalars) as a UTF-8 XML document with root `root`."""
    element = ET.Element(root)
    _fill(element, root, msgspec.to_builtins(value))
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def to_json(value: Any) -> bytes:
    return msgspec.json.encode(value)


def render(fmt: Format, root: str, value: T, status_code: int = 200) -> Response[T]:
    """The response of one resource: `value` encoded in `fmt` (`root` names the XML root).

    Typed as a response of `value`'s type, which is what the OpenAPI schema documents; the
    body is already encoded.
    """
    content = to_xml(root, value) if fmt is Format.xml else to_json(value)
    return cast(
        "Response[T]", Response(content, status_code=status_code, media_type=MEDIA_TYPES[fmt])
    )
