"""piccolo-admin's front end, in Chinese all the way down.

piccolo-admin's translations reach only the strings its Vue app passes through `$t`; table
names, pagination ("15 per page", "of 4"), filter operators, confirmations, success and error
messages, boolean options and more are written into its JavaScript bundle in English. This
module serves that bundle with each such string passed through the same translator, so
admin/translations.py holds every word the user reads (Chinese by default, English selectable).

The bundle is patched with exact text replacements, each checked when the bundle is first
served: a piccolo-admin upgrade that moves any of them makes `patched_bundle` raise (a test
runs it), and the app then serves the original bundle rather than a half-translated one.

`LocalisedAdmin` is the ASGI wrapper serving the patched bundle, giving table schemas their
Chinese titles (admin/labels.py) and filling the choices of forms from the user's scope.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import piccolo_admin
from piccolo.table import Table

from admin.labels import relabel_schema
from admin.mfa import translate_mfa_page
from app.scope import scope_for_user
from app.sessions import actor_of
from app.settings import settings

log = logging.getLogger(__name__)

ASSETS = Path(piccolo_admin.__file__).resolve().parent / "dist" / "assets"
BUNDLE_PATH = re.compile(r"/assets/(?P<name>index-[\w-]+\.js)/?$")
SCHEMA_PATH = re.compile(r"/api/tables/(?P<table>\w+)/schema/$")
FORM_SCHEMA_PATH = re.compile(r"/api/forms/(?P<slug>[^/]+)/schema/$")
FORM_LIST_PATH = re.compile(r"/api/forms/(grouped/)?$")
MFA_PATH = "/api/mfa-setup/"


class FrontEndChanged(RuntimeError):
    """The installed piccolo-admin bundle no longer contains text this module patches."""


@dataclass(frozen=True)
class Patch:
    old: str
    new: str
    count: int = 1


def t(key: str) -> str:
    """JavaScript for the translation of `key` (a fixed English phrase)."""
    return f"__pgT({json.dumps(key)})"


# Inserted into the bundle's closure: the translator every patch calls. `uc` is the bundle's
# vue-i18n instance (loaded with admin/translations.py), `lk` its store.
I18N = 'const uc=ek({locale:"en",silentTranslationWarn:!0})'
RUNTIME = """
;function __pgT(k,p){try{return k==null?k:uc.global.t(String(k),p||{})}catch(e){return k}}
function __pgSchema(s){if(!s||!s.properties)return s;const o=JSON.parse(JSON.stringify(s));
for(const n in o.properties){const f=o.properties[n];if(f.title)f.title=__pgT(f.title);
const c=f.extra&&f.extra.choices;if(c)for(const k in c)c[k].display_name=__pgT(c[k].display_name)}
return o}
function __pgCell(p,v){try{const f=p&&(p.format||(p.anyOf&&p.anyOf[0]&&p.anyOf[0].format));
if(v&&f=="date-time")return Oo.tz(v,localStorage.getItem(Gs)||__pgZone).format("YYYY-MM-DD HH:mm")}
catch(e){}return v}
function __pgField(n){try{const st=lk.state;const p=(st.formSchema&&st.formSchema.properties[n])||
(st.schema&&st.schema.properties[n]);return p&&p.title?p.title:n}catch(e){return n}}
var __pgPydantic={missing:"This field is required",int_parsing:"Enter a whole number",
int_type:"Enter a whole number",float_parsing:"Enter a number",float_type:"Enter a number",
bool_parsing:"Choose yes or no",date_parsing:"Enter a date",date_from_datetime_parsing:"Enter a date",
datetime_parsing:"Enter a date and time",datetime_from_date_parsing:"Enter a date and time",
string_too_long:"Too long",json_invalid:"Not valid JSON",list_type:"Enter a list",
value_error:"Not valid"};
var __pgApprox=!1;
function __pgErrors(e,s){if(e&&typeof e=="object"){if(e.db_error)return[e.field&&e.detail?
__pgField(e.field)+"："+e.detail:e.db_error];
if(e.custom_form_error)return[e.custom_form_error];
if(Array.isArray(e.detail))return e.detail.map(o=>__pgField(o.loc[o.loc.length-1])+": "+
(__pgPydantic[o.type]?__pgT(__pgPydantic[o.type]):o.msg));
if(e.detail)return[__pgT(String(e.detail))];return[JSON.stringify(e)]}return[e?__pgT(String(e)):__pgT("Unknown error")]}
"""


def _literal(text: str, context_before: str = "", context_after: str = "", count: int = 1) -> Patch:
    """Replace the string literal "text" (found between the two contexts) by its translation."""
    return Patch(
        f'{context_before}"{text}"{context_after}',
        f"{context_before}{t(text)}{context_after}",
        count,
    )


PATCHES: list[Patch] = [
    # --- The translator, next to the i18n instance; the schema goes through it when stored.
    Patch(I18N, RUNTIME + I18N),
    Patch("updateSchema(e,t){e.schema=t}", "updateSchema(e,t){e.schema=__pgSchema(t)}"),
    Patch(
        "updateFormSchema(e,t){e.formSchema=t}", "updateFormSchema(e,t){e.formSchema=__pgSchema(t)}"
    ),
    # --- Table names: page headings, the sidebar, the foreign-key picker, referencing tables.
    Patch('function Cb(e){return e.split("_").join(" ")}', "function Cb(e){return __pgT(e)}"),
    Patch(
        'readableTableName(){return this.tableName?KL(this.tableName.split("_").join(" ")):""}',
        'readableTableName(){return this.tableName?__pgT(this.tableName):""}',
    ),
    Patch(
        'readableTableName(){return this.tableName.split("_").join(" ")}',
        "readableTableName(){return __pgT(this.tableName)}",
    ),
    Patch(
        't0("span",l9,M0(s.tableName),1),U0(" "+M0(e.$t("with a matching"))+" ",1),'
        't0("span",z9,M0(s.columnName),1)',
        't0("span",l9,M0(__pgT(s.tableName)),1),U0(" "+M0(e.$t("with a matching"))+" ",1),'
        't0("span",z9,M0(__pgT(s.tableName+"__"+s.columnName)),1)',
    ),
    Patch(
        "title:`Select a row from ${e.readableTableName}`",
        'title:__pgT("Select a row from {table}",{table:e.readableTableName})',
    ),
    # --- Column names outside the schema's titles: the key column and the sort dialog.
    Patch(
        "U0(M0(e.schema.properties[m]?e.schema.properties[m].title:m)",
        "U0(M0(e.schema.properties[m]?e.schema.properties[m].title:__pgT(m))",
    ),
    Patch(
        "M0(e.schema.extra.primary_key_name),9,l_),(Z(!0),p0(W0,null,Q0(e.schema.properties,"
        '(M,b)=>(Z(),p0("option",{key:b,value:b},M0(b),9,z_)))',
        "M0(__pgT(e.schema.extra.primary_key_name)),9,l_),(Z(!0),p0(W0,null,Q0(e.schema.properties,"
        '(M,b)=>(Z(),p0("option",{key:b,value:b},M0(M.title||b),9,z_)))',
    ),
    # Times show in the deployment's time zone (TIMEZONE) until a user picks another one.
    Patch('localStorage.getItem(Gs)??"UTC"', "localStorage.getItem(Gs)??__pgZone", count=2),
    # List cells show times as 2026-11-23 09:30 in that zone, not as ISO text in UTC.
    Patch(
        '(Z(),p0("span",D_,M0(e.abbreviate(m[g])),1))',
        '(Z(),p0("span",D_,M0(e.abbreviate(__pgCell(e.schema.properties[g],m[g]))),1))',
    ),
    # --- Pagination and selection.
    Patch("{label:`${c} per page`,key:c}", '{label:__pgT("{n} per page",{n:c}),key:c}'),
    Patch('t0("li",QB,"of "+M0(e.pageCount),1)', 't0("li",QB,__pgT("of {n}",{n:e.pageCount}),1)'),
    # A count the server estimated (admin/counts.py) reads "约 8900000"; set before the rows
    # arrive, so the list renders it with them.
    Patch(
        'return e.commit("updateRowCount",r.count),r',
        'return __pgApprox=!!r.approximate,e.commit("updateRowCount",r.count),r',
    ),
    Patch(
        'M0(e.$t("of"))+" "+M0(e.rowCount)',
        'M0(e.$t("of"))+" "+(__pgApprox?__pgT("about {n}",{n:e.rowCount}):M0(e.rowCount))',
    ),
    Patch(
        'M0(e.$t("page"))+" "+M0(e.currentPageNumber)',
        'M0(__pgT("page {n}",{n:e.currentPageNumber}))',
    ),
    # --- Custom forms: show choices (filled per user by LocalisedAdmin) as a select.
    Patch(
        't0("label",null,M0(a.title),1),(Z(),R0(c,{isFilter:!1,key:s,columnName:String(s),'
        "type:e.getType(a),value:a.default,",
        't0("label",null,M0(a.title)+(a.description?"（"+__pgT(a.description)+"）":""),1),'
        "(Z(),R0(c,{isFilter:!1,key:s,columnName:String(s),type:e.getType(a),value:a.default,"
        "choices:a.extra&&a.extra.choices||null,widget:a.extra&&a.extra.widget,",
    ),
    # Opening another form after submitting one shows the new form, not the old message.
    Patch(
        "watch:{async formSlug(){await this.fetchFormConfig()}}",
        "watch:{async formSlug(){this.resetForm(),await this.fetchFormConfig()}}",
    ),
    # --- Errors: readable for every status, field names by their titles.
    Patch(
        "function tr(e,t){return t==422?",
        "function tr(e,t){return __pgErrors(e,t);return t==422?",
    ),
    Patch(
        "contents:`Unable to delete row ${this.selectedRows[e]} (${n})`",
        'contents:__pgT("Unable to delete row {id}",{id:this.selectedRows[e]})+"："+n',
    ),
    Patch(
        "contents:`Error - ${t.response.data.detail}`", "contents:__pgErrors(t.response.data)[0]"
    ),
    Patch(
        "contents:`Changed password successfully. You will be redirected\n"
        "                        to log in with your new credentials.`",
        "contents:" + t("Changed password successfully. You will be redirected to log in again."),
    ),
    # --- Confirmations.
    Patch(
        "confirm(`Are you sure you want to delete row ${e}?`)",
        'confirm(__pgT("Are you sure you want to delete row {id}?",{id:e}))',
    ),
    _literal("Are you sure you want to delete this row?", "window.confirm("),
    _literal("Are you sure you want to delete the selected rows?", "confirm("),
    _literal("Are you sure you want to logout?", "window.confirm("),
    _literal("Please select at least one column.", "alert("),
    _literal("Page not found", "alert("),
    _literal("Successfully deleted row", "alert("),
    # --- Messages shown in the message bar.
    _literal("Successfully added row", "contents:"),
    _literal("Successfully saved row", "contents:"),
    _literal("Successfully updated rows", "contents:"),
    _literal("Invalid column name or value", "contents:"),
    _literal("Unable to delete the row.", "contents:"),
    _literal("The form has errors.", "contents:", count=3),
    _literal("MFA code required", "contents:"),
    _literal("Problem logging in", "contents:"),
    _literal("Method not supported - running in read only mode.", "contents:"),
    _literal("The server can't be reached - please try later.", "contents:"),
    _literal("Successfully applied filter", "this.showSuccess("),
    _literal("Successfully cleared filters", "this.showSuccess("),
    _literal("Successfully deleted row", "this.showSuccess("),
    _literal("Successfully deleted rows", "this.showSuccess("),
    _literal("Downloaded file", "this.successMessage="),
    _literal("Successfully submitted form", "i.custom_form_success||"),
    _literal("The request failed.", "let p="),
    _literal("The file is too large.", "b==413?p="),
    _literal("An error happened on the server.", "b==500?p="),
    _literal("Unknown error", "void 0:a.detail)??"),
    _literal("Uploading file", "message:{type:String,default:"),
    # --- Fixed words of the widgets.
    _literal("Type here to filter", "placeholder:"),
    _literal("All", 'selectResult(null,""),["prevent"]))},'),
    _literal("None", 'selectResult(null,"Null"),["prevent"]))},'),
    Patch('placeholder:e.isFilter?"All":"None"', f"placeholder:e.isFilter?{t('All')}:{t('None')}"),
    Patch(
        'placeholder(){return this.isFilter?"All":this.isNullable&&this.value===null?"NULL":""}',
        f'placeholder(){{return this.isFilter?{t("All")}:this.isNullable&&this.value===null?{t("NULL")}:""}}',
    ),
    _literal(" All ", 'value:"all"},', count=2),
    _literal(" Null ", 'value:"null"},', count=2),
    _literal(" True ", 'value:"true"},'),
    _literal(" False ", 'value:"false"},'),
    Patch('t0("code",null,"NULL",-1)', f't0("code",null,{t("NULL")},-1)'),
    Patch(
        't0("option",{key:r,selected:r=="contains",value:r},M0(r),9,bT)',
        't0("option",{key:r,selected:r=="contains",value:r},M0(__pgT(r)),9,bT)',
    ),
    _literal("Equals", "label:"),
    _literal("Not Equal", "label:"),
    _literal("Less Than", "label:"),
    _literal("Less Than or Equal To", "label:"),
    _literal("Greater Than or Equal To", "label:"),
    _literal("Greater Than", "label:"),
    _literal("Bulk Update", "title:"),
    _literal("Set null:", 't0("label",null,'),
    _literal(" Add sort column", "U0("),
    _literal(" Columns", "U0("),
    _literal("Toggle all", '["prevent"]))},'),
    _literal("Include readable", '{for:"include_readable"},'),
    _literal(" Load more", "U0("),
    _literal(" Download", "U0("),
    _literal("Loading ... ", "U0("),
    _literal(" Unable to preview file - download below. ", "U0("),
    _literal("File:", 't0("span",null,'),
    _literal(" Video playback not available ", "src:e.fileURL},"),
    _literal(" Audio playback not available ", "src:e.fileURL},"),
    _literal(
        " Hint: Use your authenticator app to generate the MFA code - if you've lost your "
        "phone, you can use a recovery code instead. ",
        't0("p",null,',
    ),
    _literal("Error", "U0("),
    _literal("View", 'icon:"eye",title:', count=2),
    _literal("Remove", "title:", count=2),
    _literal("Edit Row", "title:"),
    _literal("Delete Row", "title:"),
    _literal("Delete selected Rows", "title:"),
    _literal("Click for more info", "title:"),
    _literal("Click to toggle children.", "title:"),
    _literal("Translations", "title:"),
    _literal("Show tables", "title:"),
    _literal("Hide tables", "title:"),
    _literal("Show forms", "title:"),
    _literal("Hide forms", "title:"),
    _literal("Show links", "title:"),
    _literal("Hide links", "title:"),
    _literal("Show password", "title:"),
    _literal("Hide password", "title:"),
]

# The rich-text editor (Quill) labels its toolbar and link tooltip in CSS, where no translator
# runs: those few words are Chinese in both languages.
QUILL_CSS = {
    "Normal": ("正文", 2),
    "Heading 1": ("标题 1", 1),
    "Heading 2": ("标题 2", 1),
    "Heading 3": ("标题 3", 1),
    "Heading 4": ("标题 4", 1),
    "Heading 5": ("标题 5", 1),
    "Heading 6": ("标题 6", 1),
    "Small": ("小", 1),
    "Large": ("大", 1),
    "Huge": ("特大", 1),
    "Sans Serif": ("无衬线", 1),
    "Serif": ("衬线", 1),
    "Monospace": ("等宽", 1),
    "Visit URL:": ("访问链接：", 1),
    "Enter link:": ("输入链接：", 1),
    "Enter formula:": ("输入公式：", 1),
    "Enter video:": ("输入视频地址：", 1),
    "Edit": ("编辑", 1),
    "Remove": ("移除", 1),
    "Save": ("保存", 1),
}
PATCHES += [
    Patch(f'content:"{english}"', f'content:"{chinese}"', count)
    for english, (chinese, count) in QUILL_CSS.items()
]

# Every English phrase the patches pass through the translator (admin/translations.py must
# translate each one; a test checks it).
PATCHED_PHRASES: frozenset[str] = frozenset(
    {
        "Select a row from {table}",
        "{n} per page",
        "of {n}",
        "about {n}",
        "page {n}",
        "Unable to delete row {id}",
        "Are you sure you want to delete row {id}?",
        "NULL",
        "Unknown error",
        "This field is required",
        "Enter a whole number",
        "Enter a number",
        "Choose yes or no",
        "Enter a date",
        "Enter a date and time",
        "Too long",
        "Not valid JSON",
        "Enter a list",
        "Not valid",
        "contains",
        "exact",
        "starts",
        "ends",
        *(
            json.loads(match)
            for patch in PATCHES
            for match in re.findall(r'__pgT\(("(?:[^"\\]|\\.)*")\)', patch.new)
        ),
    }
)


@lru_cache(maxsize=1)
def bundle_name() -> str:
    """File name of the admin's JavaScript bundle (as index.html references it)."""
    (bundle,) = ASSETS.glob("index-*.js")
    return bundle.name


@lru_cache(maxsize=1)
def patched_bundle() -> bytes:
    """The admin bundle with every English string passed through the translator.

    Raises FrontEndChanged when a patch does not match (piccolo-admin was upgraded).
    """
    text = (ASSETS / bundle_name()).read_text(encoding="utf-8")
    zone = f"var __pgZone={json.dumps(settings.timezone_name)};"
    missing = []
    for patch in PATCHES:
        found = text.count(patch.old)
        if found != patch.count:
            missing.append(f"{patch.old[:70]!r} found {found}×, expected {patch.count}×")
            continue
        text = text.replace(patch.old, patch.new.replace(RUNTIME, zone + RUNTIME))
    if missing:
        raise FrontEndChanged(
            f"piccolo-admin {piccolo_admin.__name__} bundle changed; update admin/frontend.py: "
            + "; ".join(missing)
        )
    return text.encode("utf-8")


@lru_cache(maxsize=1)
def served_bundle() -> bytes:
    """The patched bundle, or the original one if piccolo-admin changed under the patches."""
    try:
        return patched_bundle()
    except FrontEndChanged:
        log.exception("serving the untranslated admin front end")
        return (ASSETS / bundle_name()).read_bytes()


class LocalisedAdmin:
    """ASGI wrapper: the translated bundle, Chinese schemas, per-user form choices."""

    def __init__(self, app: Any, tables: dict[str, type[Table]], forms: dict[str, Any]) -> None:
        self.app = app
        self.tables = tables
        self.forms = forms

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and MFA_PATH in path:
            await self.rewritten(scope, receive, send, mfa_page, content_type=b"text/html")
            return
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        bundle = BUNDLE_PATH.search(path)
        if bundle and bundle["name"] == bundle_name():
            await send_bytes(send, served_bundle(), b"text/javascript; charset=utf-8")
            return
        table = SCHEMA_PATH.search(path)
        form = FORM_SCHEMA_PATH.search(path)
        if table and table["table"] in self.tables:
            await self.rewritten(scope, receive, send, table_schema(self.tables[table["table"]]))
        elif form and form["slug"] in self.forms:
            await self.rewritten(scope, receive, send, self.forms[form["slug"]].schema_for)
        elif FORM_LIST_PATH.search(path):
            await self.rewritten(scope, receive, send, self.forms_for_user)
        else:
            await self.app(scope, receive, send)

    async def forms_for_user(self, scope: dict[str, Any], data: Any) -> Any:
        """The form list without the scoped forms the user's role does not handle."""
        grid_scope = await scope_for_user(await actor_of(scope))
        hidden = {slug for slug, form in self.forms.items() if not form.allows(grid_scope)}

        def keep(forms: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [form for form in forms if form.get("slug") not in hidden]

        if isinstance(data, list):
            return keep(data)
        grouped = {name: keep(forms) for name, forms in data.get("grouped", {}).items()}
        return {
            "grouped": {name: forms for name, forms in grouped.items() if forms},
            "ungrouped": keep(data.get("ungrouped", [])),
        }

    async def rewritten(
        self,
        scope: dict[str, Any],
        receive: Any,
        send: Any,
        rewrite: Any,
        content_type: bytes = b"application/json",
    ) -> None:
        """Run the admin, then pass its successful answer through `rewrite(scope, data)`."""
        held: list[dict[str, Any]] = []

        async def hold(message: dict[str, Any]) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        headers = dict(held[0].get("headers", [])) if held else {}
        if not held or not headers.get(b"content-type", b"").startswith(content_type):
            for message in held:
                await send(message)
            return
        body = b"".join(m.get("body", b"") for m in held[1:])
        if content_type == b"application/json":
            if held[0].get("status") != 200:
                for message in held:
                    await send(message)
                return
            data = await rewrite(scope, json.loads(body))
            body = json.dumps(data, ensure_ascii=False).encode()
        else:
            body = (await rewrite(scope, body.decode())).encode()
        kept = [
            (k, v)
            for k, v in held[0].get("headers", [])
            if k.lower() not in (b"content-length", b"content-type")
        ]
        await send_bytes(
            send, body, headers[b"content-type"], kept, status=held[0].get("status", 200)
        )


async def mfa_page(scope: dict[str, Any], html: str) -> str:
    return translate_mfa_page(html)


def table_schema(table: type[Table]) -> Any:
    async def rewrite(scope: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        return relabel_schema(table, data)

    return rewrite


async def send_bytes(
    send: Any,
    body: bytes,
    content_type: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    status: int = 200,
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                *(headers or []),
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-cache"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
