"""Uploaded files: check-in photos and supervision evidence, stored under DATA_DIR/media.

piccolo-admin shows an upload widget for these columns and keeps only the file key in the row;
the files are served to logged-in admin users at /admin/api/media-files/<table>/<column>/.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Column
from piccolo_api.media.base import (
    AUDIO_EXTENSIONS,
    DOCUMENT_EXTENSIONS,
    IMAGE_EXTENSIONS,
    VIDEO_EXTENSIONS,
)
from piccolo_api.media.local import LocalMediaStorage

from app.settings import settings
from tables.daily import CheckIn
from tables.supervision import SupervisionRecord

SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


class GridMediaStorage(LocalMediaStorage):
    """Local storage that accepts any file name a phone gives (e.g. 微信图片_0101.jpg).

    piccolo's storage refuses names with characters outside ASCII letters and digits; the
    stored key keeps only those (or the column name) plus a UUID, the extension is checked as
    before.
    """

    def generate_file_key(self, file_name: str, user: BaseUser | None = None) -> str:
        stem, dot, extension = Path(file_name).name.rpartition(".")
        if not dot:
            stem, extension = extension, ""
        safe = SAFE_NAME.sub("", stem.replace(" ", "_")).strip("_-")[:40] or self.column._meta.name
        return super().generate_file_key(f"{safe}.{extension}" if dot else safe, user)


def media_folder(column: Column) -> str:
    """DATA_DIR/media/<table>/<column>, created if missing."""
    folder = settings.media_dir / column._meta.table._meta.tablename / column._meta.name
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


@lru_cache(maxsize=1)
def media_storage() -> dict[type[Any], list[LocalMediaStorage]]:
    """Table → its media storages (built once; the folders are created on first use)."""
    return {
        CheckIn: [
            GridMediaStorage(
                CheckIn.photo, media_folder(CheckIn.photo), allowed_extensions=IMAGE_EXTENSIONS
            )
        ],
        SupervisionRecord: [
            GridMediaStorage(
                SupervisionRecord.evidence,
                media_folder(SupervisionRecord.evidence),
                allowed_extensions=(
                    *IMAGE_EXTENSIONS,
                    *DOCUMENT_EXTENSIONS,
                    *AUDIO_EXTENSIONS,
                    *VIDEO_EXTENSIONS,
                ),
            )
        ],
    }
