"""Residents' photos: re-encoded on the way in (app.field.photos.reencode: upright, at most
1600 px, JPEG without metadata but the time taken), kept under DATA_DIR/media/resident_case/
photos/ and named in the case. They are shown publicly only once staff publish the case."""

from __future__ import annotations

import uuid
from pathlib import Path

from app.settings import settings

KEY_LENGTH = 36  # 32 hex digits + ".jpg"


def folder() -> Path:
    path = settings.media_dir / "resident_case" / "photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_photos(jpegs: list[tuple[bytes, int, int, str]]) -> list[str]:
    """Write re-encoded photos; their keys, in order."""
    keys = []
    for jpeg, *_ in jpegs:
        key = f"{uuid.uuid4().hex}.jpg"
        (folder() / key).write_bytes(jpeg)
        keys.append(key)
    return keys


def remove_photos(keys: list[str]) -> None:
    """Take back photos of a submission that was not saved."""
    for key in keys:
        (folder() / key).unlink(missing_ok=True)


def photo_path(key: str) -> Path | None:
    """The stored file of a key (keys are uuid hex + .jpg; nothing else is served)."""
    if len(key) != KEY_LENGTH or not key.endswith(".jpg"):
        return None
    if not all(c in "0123456789abcdef" for c in key[:32]):
        return None
    path = folder() / key
    return path if path.is_file() else None
