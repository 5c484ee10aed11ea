"""Two-factor login and uploaded files, through the admin as a scoped (grid_app) user."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pyotp
import pytest
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret

from admin.mfa import mfa_provider
from app.crud import insert_row
from app.settings import settings
from tables.daily import CheckIn
from tests.admin.support import admin_login
from tests.factories import PASSWORD, area_tree, make_staff

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def stored_file(table: str, column: str, key: str, remove: bool = True) -> bytes | None:
    """The bytes stored under DATA_DIR/media for `key` (removed afterwards), None if absent."""
    path = Path(settings.media_dir, table, column, key)
    if not path.exists():
        return None
    content = path.read_bytes()
    if remove:
        path.unlink()
    return content


@pytest.fixture
async def no_mfa_left() -> AsyncIterator[None]:
    """MFA secrets live outside the domain tables the test database truncates."""
    yield
    await AuthenticatorSecret.delete(force=True)


async def test_street_official_sets_up_mfa_in_chinese_and_then_needs_the_code(
    client: httpx.AsyncClient, no_mfa_left: None
) -> None:
    tree = await area_tree()
    official = await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")

    page = await client.get("/admin/api/mfa-setup/")
    assert page.status_code == 200 and "请输入登录密码以开启两步验证" in page.text
    assert "Please enter" not in page.text

    wrong = await client.post(
        "/admin/api/mfa-setup/", data={"action": "register", "password": "nope"}, headers=headers
    )
    assert wrong.status_code == 401 and "密码不对" in wrong.text
    enrolled = await client.post(
        "/admin/api/mfa-setup/", data={"action": "register", "password": PASSWORD}, headers=headers
    )
    assert enrolled.status_code == 200, enrolled.text
    assert "扫描下面的二维码" in enrolled.text and "data:image/png;base64," in enrolled.text
    recovery_codes = re.findall(r"<li>\s*(\S+)</li>", enrolled.text)
    assert len(recovery_codes) == 8

    secret = (
        await AuthenticatorSecret.select()
        .where(AuthenticatorSecret.user_id == official["user"])
        .first()
    )
    assert secret is not None and secret["secret"] != ""  # stored encrypted
    shared = mfa_provider().encryption_provider.decrypt(secret["secret"])

    fresh = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with fresh:
        await fresh.get("/admin/")
        csrf = {"X-CSRFToken": fresh.cookies.get("csrftoken", "")}
        login = {"username": "jd", "password": PASSWORD}
        asked = await fresh.post("/admin/public/login/", json=login, headers=csrf)
        assert asked.status_code == 401 and asked.json()["detail"] == "MFA code required"
        bad = await fresh.post(
            "/admin/public/login/", json={**login, "mfa_code": "000000"}, headers=csrf
        )
        assert bad.status_code == 401
        good = await fresh.post(
            "/admin/public/login/",
            json={**login, "mfa_code": pyotp.TOTP(shared).now()},
            headers=csrf,
        )
        assert good.status_code == 200, good.text
        user = await fresh.get("/admin/api/user/")
        assert user.json()["username"] == "jd"


async def test_check_in_photo_upload_with_a_chinese_file_name(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    worker = await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    check_in = await insert_row(
        CheckIn,
        {
            "staff": worker["id"],
            "grid": tree.grids["A1-1"]["id"],
            "community": tree.communities["A1"]["id"],
            "at": dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC),
            "local_date": dt.date(2026, 11, 23),
            "latitude": 30.905,
            "longitude": 117.802,
            "inside_grid": True,
            "counted": True,
        },
    )
    headers = await admin_login(client, "wg")
    upload = await client.post(
        "/admin/api/media/",
        data={"table_name": "check_in", "column_name": "photo"},
        files={"file": ("微信图片_20261123.png", PNG, "image/png")},
        headers=headers,
    )
    assert upload.status_code == 200, upload.text
    key = upload.json()["file_key"]
    try:
        assert re.fullmatch(r"20261123-[0-9a-f-]{36}\.png", key), key
        assert stored_file("check_in", "photo", key, remove=False) == PNG

        saved = await client.patch(
            f"/admin/api/tables/check_in/{check_in['id']}/", json={"photo": key}, headers=headers
        )
        assert saved.status_code == 200, saved.text
        url = await client.post(
            "/admin/api/media/generate-file-url/",
            json={"table_name": "check_in", "column_name": "photo", "file_key": key},
            headers=headers,
        )
        served = await client.get("/admin/" + url.json()["file_url"].removeprefix("./"))
        assert served.status_code == 200 and served.content == PNG
        row = await CheckIn.select(CheckIn.photo).where(CheckIn.id == check_in["id"]).first()
        assert row == {"photo": key}
    finally:
        stored_file("check_in", "photo", key)

    refused = await client.post(
        "/admin/api/media/",
        data={"table_name": "check_in", "column_name": "photo"},
        files={"file": ("setup.exe", b"MZ", "application/octet-stream")},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "This file type isn't allowed."


async def test_supervision_evidence_accepts_documents(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["A1"])
    headers = await admin_login(client, "sq")
    upload = await client.post(
        "/admin/api/media/",
        data={"table_name": "supervision_record", "column_name": "evidence"},
        files={"file": ("现场照片 说明.pdf", b"%PDF-1.4\n", "application/pdf")},
        headers=headers,
    )
    assert upload.status_code == 200, upload.text
    key = upload.json()["file_key"]
    assert re.fullmatch(r"evidence-[0-9a-f-]{36}\.pdf", key), key
    assert stored_file("supervision_record", "evidence", key) == b"%PDF-1.4\n"
