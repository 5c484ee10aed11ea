"""Field photos: any phone picture in, a clean JPEG out.

Every upload is decoded with Pillow (a file that is not an image is refused), turned upright
by its EXIF orientation, shrunk to at most PHOTO_MAX_PX on the long side and re-encoded as
JPEG without metadata, except the time it was taken (DateTimeOriginal, kept as evidence).
The re-encoding also drops whatever else a file might carry (GPS tags of the worker's home,
scripts in a crafted file). Stored under DATA_DIR/media/field_photo/file/ with a FieldPhoto
row naming who took it; reports, progress steps and check-ins refer to the photo by its key.
"""

from __future__ import annotations

import io
import shutil
import uuid
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from app.clock import utc_now
from app.crud import insert_row
from app.errors import DomainError, Forbidden, ValidationFailed
from app.field.auth import FieldCaller
from app.settings import settings
from tables.daily import CheckIn
from tables.field import FieldPhoto
from tables.people import StaffMember

PHOTO_MAX_PX = 1600
JPEG_QUALITY = 82
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIC", "MPO", "GIF", "BMP"})
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
# A decompression bomb (a tiny file that decodes to gigapixels) is refused before decoding.
MAX_PIXELS = 60_000_000

Row = dict[str, Any]


class PhotoTooLarge(DomainError):
    status = 413
    code = "photo-too-large"
    title = "照片太大"


def photo_folder() -> Any:
    folder = settings.media_dir / "field_photo" / "file"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def reencode(data: bytes) -> tuple[bytes, int, int, str]:
    """(JPEG bytes, width, height, DateTimeOriginal or "") of an uploaded picture."""
    if len(data) > settings.photo_max_bytes:
        raise PhotoTooLarge(
            f"照片 {len(data) / 1_000_000:.1f} MB，超过 {settings.photo_max_bytes / 1_000_000:g} MB 的上限",
            field="file",
        )
    if not data:
        raise ValidationFailed("没有收到照片", field="file")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationFailed("只能上传照片（JPEG、PNG 或 WebP）", field="file")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed("照片像素太多，无法处理", field="file")
            taken_at = _taken_at(probe)
            image = ImageOps.exif_transpose(probe)
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise ValidationFailed(
            "这不是一张照片：只能上传 JPEG、PNG 或 WebP 图片", field="file"
        ) from exc
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
    exif = Image.Exif()
    if taken_at:
        exif.get_ifd(EXIF_IFD)[EXIF_DATETIME_ORIGINAL] = taken_at
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=exif.tobytes())
    return out.getvalue(), image.width, image.height, taken_at


def _taken_at(image: Image.Image) -> str:
    value = image.getexif().get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL)
    return value.strip()[:32] if isinstance(value, str) else ""


async def store_photo(caller: FieldCaller, data: bytes) -> Row:
    """Re-encode and keep an upload of the caller; the FieldPhoto row, with `url`."""
    staff_id = caller.staff_id()
    jpeg, width, height, taken_at = reencode(data)
    staff = (
        await StaffMember.select(StaffMember.community)
        .where(StaffMember._meta.primary_key == staff_id)
        .first()
    )
    if staff is None or staff["community"] is None:
        raise Forbidden("只有社区的工作人员可以上传现场照片", field="staff")
    key = f"{uuid.uuid4().hex}.jpg"
    (photo_folder() / key).write_bytes(jpeg)
    row = await insert_row(
        FieldPhoto,
        {
            "staff": staff_id,
            "community": staff["community"],
            "file": key,
            "width": width,
            "height": height,
            "taken_at": taken_at,
            "created_at": utc_now(),
        },
    )
    return photo_out(row)


def photo_out(row: Row) -> Row:
    return {
        "id": row["id"],
        "photo": row["file"],
        "url": f"/m/api/photos/{row['file']}",
        "width": row["width"],
        "height": row["height"],
        "taken_at": row["taken_at"] or None,
    }


async def my_photos(caller: FieldCaller, keys: list[str], field: str = "photos") -> list[Row]:
    """The caller's own unattached uploads named by `keys` (each must exist and be theirs)."""
    if not keys:
        return []
    if len(keys) > 9:
        raise ValidationFailed("一次最多 9 张照片", field=field)
    rows = await FieldPhoto.select().where(FieldPhoto.file.is_in(list(keys))).run()
    found = {row["file"]: row for row in rows}
    for key in keys:
        row = found.get(key)
        if row is None or row["staff"] != caller.scope.staff_id:
            raise ValidationFailed("照片未上传或不是您上传的：请重新拍照", field=field)
        if row["work_item"] is not None or row["work_item_event"] is not None:
            raise ValidationFailed("这张照片已经用过了", field=field)
    return [found[key] for key in keys]


async def attach(photos: list[Row], work_item: int, event: int | None = None) -> None:
    """Link photos to the work item (and the progress step) they document."""
    if photos:
        await (
            FieldPhoto.update({FieldPhoto.work_item: work_item, FieldPhoto.work_item_event: event})
            .where(FieldPhoto._meta.primary_key.is_in([p["id"] for p in photos]))
            .run()
        )


def copy_to_check_in(photo: Row) -> str:
    """A check-in's photo lives where the admin shows check-in photos (same key)."""
    folder = settings.media_dir / CheckIn._meta.tablename / "photo"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(photo_folder() / photo["file"], folder / photo["file"])
    return str(photo["file"])


def photo_path(key: str) -> Any:
    """The stored file of a photo key (keys are uuid hex + .jpg; nothing else is served)."""
    if (
        len(key) != 36
        or not key.endswith(".jpg")
        or not all(c in "0123456789abcdef" for c in key[:32])
    ):
        return None
    path = photo_folder() / key
    return path if path.is_file() else None
