"""Chinese all the way down: every table, column, choice and UI string the admin shows."""

from __future__ import annotations

import httpx
from piccolo_admin.translations.data import ENGLISH

from admin import labels
from admin.frontend import PATCHED_PHRASES, bundle_name, patched_bundle
from admin.site import build_admin
from admin.translations import translations
from tests.admin.support import admin_login
from tests.factories import area_tree, make_staff, make_user


def admin_tables() -> list:
    admin = build_admin()
    while not hasattr(admin, "table_configs"):
        admin = admin.app
    return [config.table_class for config in admin.table_configs]


def test_every_column_and_choice_of_every_admin_table_has_a_chinese_name() -> None:
    missing = []
    for table in admin_tables():
        tablename = table._meta.tablename
        if not labels.has_chinese(labels.table_names(table)[0]):
            missing.append(tablename)
        for column in table._meta.columns:
            title = labels.column_title(tablename, column._meta.name, column._meta.help_text)
            if not title or not labels.has_chinese(title):
                missing.append(f"{tablename}.{column._meta.name}")
            if column._meta.choices is not None:
                names = labels.choice_labels(column._meta.choices)
                missing += [
                    f"{tablename}.{column._meta.name}={member.value}"
                    for member in column._meta.choices
                    if not labels.has_chinese(names.get(str(member.value), ""))
                ]
    assert missing == []


def test_chinese_is_complete_and_english_has_every_key() -> None:
    chinese, english = translations()
    assert (chinese.language_code, english.language_code) == ("zh-CN", "en")
    needed = set(ENGLISH.translations) | PATCHED_PHRASES
    assert needed <= set(chinese.translations)
    assert set(chinese.translations) == set(english.translations)
    # Every piccolo-admin phrase and every string the bundle patches reads Chinese.
    untranslated = [
        key for key in needed if not labels.has_chinese(chinese.translations[key]) and key.strip()
    ]
    assert untranslated == []
    # vue-i18n reads `{`, `}`, `@` and `|` as message syntax: only intended placeholders.
    for translation in (chinese, english):
        for key, value in translation.translations.items():
            assert "@" not in value and "|" not in value, (key, value)
            assert value.count("{") == key.count("{"), (key, value)


def test_the_front_end_bundle_is_patched_and_served() -> None:
    bundle = patched_bundle()  # raises FrontEndChanged if piccolo-admin moved a string
    assert b"__pgT" in bundle and b"`${c} per page`" not in bundle
    assert bundle_name().startswith("index-")


async def test_schemas_carry_chinese_titles_and_choice_names(client: httpx.AsyncClient) -> None:
    await make_user("root", superuser=True)
    await admin_login(client, "root")
    schema = (await client.get("/admin/api/tables/responsibility_grid/schema/")).json()
    titles = {name: prop["title"] for name, prop in schema["properties"].items()}
    assert titles["household_count"] == "户数" and titles["community"] == "所属社区"
    kinds = schema["properties"]["kind"]["extra"]["choices"]
    assert {c["value"]: c["display_name"] for c in kinds.values()} == {
        "residential": "居民区网格",
        "unit": "单位网格",
    }
    chinese = (await client.get("/admin/public/translations/zh-CN/")).json()["translations"]
    assert chinese["responsibility_grid"] == "责任网格" and chinese["{n} per page"] == "每页 {n} 条"
    english = (await client.get("/admin/public/translations/en/")).json()["translations"]
    assert english["户数"] == "Household count" and english["居民区网格"] == "Residential"
    languages = (await client.get("/admin/public/translations/")).json()
    assert languages["default_language_code"] == "zh-cn"
    bundle = await client.get(f"/admin/assets/{bundle_name()}")
    assert bundle.status_code == 200 and b"__pgT" in bundle.content


async def test_form_choices_follow_the_scope(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("sq", role="community_admin", community=tree.communities["B1"])
    await admin_login(client, "sq")
    schema = (await client.get("/admin/api/forms/推送工作事项-push-a-work-item/schema/")).json()
    communities = schema["properties"]["community"]["extra"]["choices"]
    assert [c["value"] for c in communities.values()] == [tree.communities["B1"]["id"]]
    grids = schema["properties"]["grid"]["extra"]["choices"]
    assert {c["value"] for c in grids.values()} == {
        tree.grids["B1-1"]["id"],
        tree.grids["B1-2"]["id"],
    }
    assert schema["properties"]["title"]["title"] == "标题"
