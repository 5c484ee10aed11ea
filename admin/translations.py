"""Every word of the admin front end: Simplified Chinese (the default) and English.

piccolo-admin's own zh-CN translation leaves words in English and words the UI joins into
sentences ("Showing 15 of 60 result(s)") read badly; admin/frontend.py routes the strings the
bundle hard-codes through the same translator. Names of tables, columns and choices come from
admin/labels.py: the Chinese name is the key, so the Chinese UI shows it as is and the English
UI looks up an English name made from the column or value name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from piccolo.table import Table
from piccolo_admin.translations.data import ENGLISH
from piccolo_admin.translations.models import Translation

from admin import labels

# piccolo-admin's own keys (all of piccolo_admin.translations.data.ENGLISH).
PICCOLO_ZH: dict[str, str] = {
    "About": "关于",
    "Add Row": "新增",
    "Add": "新增",
    "Apply": "应用",
    "Ascending": "升序",
    "Back to home page": "返回首页",
    "Back": "返回",
    "Change Password": "修改密码",
    "Clear filters": "清除筛选",
    "Close": "关闭",
    "Comma": "逗号",
    "Create": "创建",
    "Current password": "当前密码",
    "Dark Mode": "深色模式",
    "Days": "天",
    "Delete": "删除",
    "Delimiter": "分隔符",
    "Descending": "降序",
    "Download": "下载",
    "Download failed": "下载失败",
    "Download successful": "下载成功",
    "Edit": "编辑",
    "Export CSV": "导出 CSV",
    "Filter": "筛选",
    "For timestamps which are timezone aware, they will be displayed in this timezone by default.": "带时区的时间默认按此时区显示。",
    "Form submitted": "已提交",
    "Forms": "办事表单",
    "Hide Filters": "隐藏筛选",
    "Hide referencing tables": "隐藏关联数据",
    "Home": "首页",
    "Hours": "小时",
    "Light Mode": "浅色模式",
    "Links": "链接",
    "Loading": "加载中",
    "Log Out": "退出登录",
    "Login": "登录",
    "MFA Code": "两步验证码",
    "MFA Setup": "两步验证",
    "Minutes": "分钟",
    "New password confirmation": "再次输入新密码",
    "New password": "新密码",
    "New value": "新值",
    "No results found": "没有找到记录",
    "Note: Large data sets may take a while.": "注意：数据较多时需要一些时间。",
    "Note: They are converted to UTC when stored in the database.": "注意：存入数据库时换算为 UTC。",
    # "Showing 15 of 60 result(s)" → 显示 15 条，共 60 条
    "of": "条，共",
    "page": "页",
    "Password": "密码",
    "result(s)": "条",
    "rows": "条",
    "Save": "保存",
    "Seconds": "秒",
    "Select a column to update": "选择要更新的字段",
    "Select a Column": "选择字段",
    "Select a table in the sidebar to get started.": "请在左侧菜单选择数据表或办事表单。",
    "selected result(s) on": "条已选中，位于",
    "Semicolon": "分号",
    "Set Timezone": "设置时区",
    "Show Filters": "筛选",
    "Show referencing tables": "显示关联数据",
    "Showing": "显示",
    "Sort by": "排序依据",
    "Sort": "排序",
    "Submit": "提交",
    "Tables": "数据表",
    "Timezone": "时区",
    "Thanks for using Piccolo Admin.": "人民网格管理后台，基于 Piccolo Admin。",
    "Update": "更新",
    "Use again": "再填一份",
    "Username": "用户名",
    "Version": "版本",
    "Weeks": "周",
    "Welcome to": "欢迎使用",
    # "<table> with a matching <column>" (referencing tables) → 责任网格 按 所属社区
    "with a matching": "按",
}

# Strings admin/frontend.py routes through the translator, and messages of the server.
UI_ZH: dict[str, str] = {
    "Select a row from {table}": "选择{table}",
    "{n} per page": "每页 {n} 条",
    "of {n}": "/ 共 {n} 页",
    "about {n}": "约 {n}",
    "page {n}": "第 {n} 页",
    "Unable to delete row {id}": "无法删除第 {id} 条",
    "Are you sure you want to delete row {id}?": "确定删除编号为 {id} 的记录吗？",
    "Are you sure you want to delete this row?": "确定删除这条记录吗？",
    "Are you sure you want to delete the selected rows?": "确定删除选中的记录吗？",
    "Are you sure you want to logout?": "确定退出登录吗？",
    "Please select at least one column.": "请至少选择一个字段。",
    "Page not found": "页面不存在",
    "Successfully added row": "已新增",
    "Successfully saved row": "已保存",
    "Successfully deleted row": "已删除",
    "Successfully deleted rows": "已删除选中的记录",
    "Successfully updated rows": "已批量更新",
    "Successfully applied filter": "已筛选",
    "Successfully cleared filters": "已清除筛选",
    "Successfully submitted form": "提交成功",
    "Downloaded file": "文件已下载",
    "Invalid column name or value": "字段或取值无效",
    "Unable to delete the row.": "无法删除这条记录。",
    "The form has errors.": "表单有误，请按提示修改。",
    "MFA code required": "请输入两步验证码",
    "Problem logging in": "登录失败：用户名或密码不对",
    "Method not supported - running in read only mode.": "只读模式，不能修改。",
    "The server can't be reached - please try later.": "连接不上服务器，请稍后再试。",
    "The request failed.": "请求失败。",
    "The file is too large.": "文件太大。",
    "An error happened on the server.": "服务器出错了。",
    "Unknown error": "未知错误",
    "Uploading file": "正在上传文件",
    "Changed password successfully. You will be redirected to log in again.": "密码已修改，请用新密码重新登录。",
    "Type here to filter": "输入关键字查找",
    "All": "全部",
    "None": "无",
    "NULL": "空",
    " All ": "全部",
    " Null ": "空",
    " True ": "是",
    " False ": "否",
    "contains": "包含",
    "exact": "等于",
    "starts": "开头是",
    "ends": "结尾是",
    "Equals": "等于",
    "Not Equal": "不等于",
    "Less Than": "小于",
    "Less Than or Equal To": "小于等于",
    "Greater Than or Equal To": "大于等于",
    "Greater Than": "大于",
    "Bulk Update": "批量更新",
    "Set null:": "设为空：",
    " Add sort column": " 添加排序字段",
    " Columns": " 字段",
    "Toggle all": "全选/全不选",
    "Include readable": "附带名称",
    " Load more": " 加载更多",
    " Download": " 下载",
    "Loading ... ": "加载中……",
    " Unable to preview file - download below. ": " 无法预览，请在下方下载。",
    "File:": "文件：",
    " Video playback not available ": "无法播放视频",
    " Audio playback not available ": "无法播放音频",
    " Hint: Use your authenticator app to generate the MFA code - if you've lost your phone, "
    "you can use a recovery code instead. ": "提示：打开手机上的身份验证器应用查看验证码；"
    "手机丢失时可输入一个恢复码。",
    "Error": "错误",
    "View": "查看",
    "Remove": "移除",
    "Edit Row": "编辑",
    "Delete Row": "删除",
    "Delete selected Rows": "删除选中的记录",
    "Click for more info": "点击查看说明",
    "Click to toggle children.": "点击展开或收起",
    "Translations": "语言",
    "Show tables": "展开数据表",
    "Hide tables": "收起数据表",
    "Show forms": "展开办事表单",
    "Hide forms": "收起办事表单",
    "Show links": "展开链接",
    "Hide links": "收起链接",
    "Show password": "显示密码",
    "Hide password": "隐藏密码",
    # Field errors (pydantic error types, see admin/frontend.py RUNTIME).
    "This field is required": "必填",
    "Enter a whole number": "请输入整数",
    "Enter a number": "请输入数字",
    "Choose yes or no": "请选择是或否",
    "Enter a date": "请输入日期",
    "Enter a date and time": "请输入日期和时间",
    "Too long": "太长了",
    "Not valid JSON": "不是有效的 JSON",
    "Enter a list": "请输入列表",
    "Not valid": "无效",
    # Messages of piccolo-api's endpoints (change password, login, user table).
    "Form is invalid. Missing one or more fields.": "表单不完整，请填写所有字段。",
    "Passwords do not match.": "两次输入的新密码不一致。",
    "Incorrect password.": "当前密码不对。",
    "Only superusers can perform these actions.": "只有区管理员可以这样操作。",
    "Login failed": "登录失败",
    # Messages of media uploads.
    "This file type isn't allowed.": "不支持这种文件类型。",
    "The file has no extension.": "文件没有扩展名。",
    "File names must not start with a period.": "文件名不能以“.”开头。",
    "File names must not contain '..'.": "文件名不能包含“..”。",
    "The file name can't be empty.": "文件名不能为空。",
    "MFA failed": "两步验证码不对",
}

KEY_COLUMN = ("编号", "ID")


def humanise(name: str) -> str:
    """`household_count` → `Household count`."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label_names() -> dict[str, str]:
    """Chinese name → English name of every table column, choice and form field."""
    from piccolo.apps.user.tables import BaseUser
    from piccolo_api.session_auth.tables import SessionsBase

    from admin.forms import FORMS
    from tables.piccolo_app import ALL_TABLES

    english: dict[str, str] = {KEY_COLUMN[0]: KEY_COLUMN[1]}
    tables: list[type[Table]] = [*ALL_TABLES, BaseUser, SessionsBase]
    for table in tables:
        tablename = table._meta.tablename
        for column in table._meta.columns:
            title = labels.column_title(tablename, column._meta.name, column._meta.help_text)
            if title:
                english.setdefault(title, humanise(column._meta.name))
            if column._meta.choices is not None:
                names = labels.choice_labels(column._meta.choices)
                for member in column._meta.choices:
                    value = member.value.value if hasattr(member.value, "value") else member.value
                    if str(value) in names:
                        english.setdefault(names[str(value)], humanise(member.name))
    for form in FORMS:
        for name, field in form.pydantic_model.model_fields.items():
            if field.title:
                english.setdefault(field.title, humanise(name))
    return english


def table_names() -> dict[str, tuple[str, str]]:
    """Table name → (Chinese, English) for every table the admin can show."""
    from piccolo.apps.user.tables import BaseUser
    from piccolo_api.session_auth.tables import SessionsBase

    from tables.piccolo_app import ALL_TABLES

    tables: list[type[Table]] = [*ALL_TABLES, BaseUser, SessionsBase]
    return {table._meta.tablename: labels.table_names(table) for table in tables}


def reference_names() -> dict[str, tuple[str, str]]:
    """`<table>__<column>` → (Chinese, English) for every foreign key (referencing tables)."""
    from tables.piccolo_app import ALL_TABLES

    names = {}
    for table in ALL_TABLES:
        tablename = table._meta.tablename
        for column in table._meta.foreign_key_columns:
            title = labels.column_title(tablename, column._meta.name, column._meta.help_text)
            names[f"{tablename}__{column._meta.name}"] = (
                title or column._meta.name,
                humanise(column._meta.name),
            )
    return names


@lru_cache(maxsize=1)
def translations() -> list[Translation]:
    """The admin's languages: Simplified Chinese first (the default), then English."""
    label_en = label_names()
    references = reference_names()
    tables = {**{name: names for name, names in labels.TABLES.items()}, **table_names()}
    zh: dict[str, Any] = {
        **{key: key for key in ENGLISH.translations},
        **PICCOLO_ZH,
        **UI_ZH,
        **{name: name for name in label_en},
        **{name: zh for name, (zh, _) in tables.items()},
        **{key: zh for key, (zh, _) in references.items()},
        "id": KEY_COLUMN[0],
    }
    en: dict[str, Any] = {
        **{key: key.strip() if key.startswith(" ") and key.endswith(" ") else key for key in UI_ZH},
        **ENGLISH.translations,
        **label_en,
        **{name: en for name, (_, en) in tables.items()},
        **{key: en for key, (_, en) in references.items()},
        "with a matching": "by",
        "id": KEY_COLUMN[1],
    }
    return [
        Translation(language_name="简体中文", language_code="zh-CN", translations=zh),
        Translation(language_name="English", language_code="en", translations=en),
    ]
