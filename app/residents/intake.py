"""A resident's submission becomes a case: through the same Open311 path as every report.

The service (an approved access-list entry residents may report, or a supervision kind), its
attributes, the work item (pushed through the access list, source `resident`, or `hotline`
for a call) or the supervision record, and the open311_request row beside it are all made by
app.open311.services; this module adds what a resident needs: routing when the phone gives no
usable position, photos, the case and its tracking code.

Routing: the point decides the grid and community (point in polygon); else a grid named by
the poster's QR code; else an address that is exactly one building's; else the community of
the page, flagged `needs_placement` for staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.areas.services import find_grid_at
from app.clock import utc_now
from app.crud import insert_row
from app.errors import Forbidden, NotFound, ValidationFailed
from app.field.photos import reencode
from app.geo import check_point, parse_polygon
from app.open311.catalogue import SUPERVISION_PREFIX
from app.open311.params import ReportForm, check_text
from app.open311.services import (
    Filed,
    Place,
    SupervisionReport,
    WorkReport,
    building_place,
    public_scope,
    push_work_report,
    raise_supervision_report,
    read_report,
)
from app.residents import codes
from app.residents.photos import remove_photos, store_photos
from app.scope import SUPERUSER_SCOPE, Level, Scope, scoped_transaction, switch_scope
from app.validation import read_contact_phone
from tables.areas import Community, ResponsibilityGrid, Street
from tables.choices import CaseChannel, CodeKind, WorkSource
from tables.places import Building
from tables.residents import ResidentCase, TrackingCode

MAX_PHOTOS = 3
DESCRIPTION_MAX = 2000
SUMMARY_WORDS = 40

Row = dict[str, Any]


@dataclass(frozen=True)
class Submission:
    """What a resident (or a call-taker for a caller) sends, as typed."""

    community: str  # the community's 12-digit code (the page's, from its QR code)
    service_code: str
    description: str = ""
    subject: str = ""  # supervision: the office, unit or cadre concerned
    anonymous: bool = False
    latitude: Any = None
    longitude: Any = None
    address: str = ""
    grid: str = ""  # a grid's code, from the grid's own poster
    name: str = ""
    phone: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    photos: list[bytes] = field(default_factory=list)


@dataclass(frozen=True)
class Received:
    case_id: int
    code: str  # shown once; only its hash is kept
    kind: str  # report | supervision
    needs_placement: bool
    notice: str

    def to_json(self) -> Row:
        return {
            "case": self.case_id,
            "code": self.code,
            "track_url": f"/r/t/{self.code}",
            "kind": self.kind,
            "needs_placement": self.needs_placement,
            "notice": self.notice,
        }


def read_point(latitude: Any, longitude: Any) -> tuple[float, float] | None:
    """(longitude, latitude) when both are given; a half or unreadable pair is an error."""
    given = [v for v in (latitude, longitude) if v not in (None, "")]
    if not given:
        return None
    if len(given) == 1:
        raise ValidationFailed("位置不完整：需要纬度和经度", field="latitude")
    try:
        point = check_point(float(longitude), float(latitude))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("位置格式不对", field="latitude") from exc
    return point.x, point.y


def to_form(submission: Submission, street_code: str) -> ReportForm:
    """The Open311 form of a submission (the same checks as an integrator's POST)."""
    phone, phone_ok = read_contact_phone(submission.phone, "phone")
    attributes = dict(submission.attributes)
    if submission.service_code.startswith(SUPERVISION_PREFIX):
        attributes["subject"] = [submission.subject]
        attributes["anonymous"] = ["true" if submission.anonymous else "false"]
    anonymous = submission.anonymous and submission.service_code.startswith(SUPERVISION_PREFIX)
    return ReportForm(
        api_key="",
        jurisdiction_id=street_code,
        service_code=check_text(submission.service_code, "service_code", 64),
        point=read_point(submission.latitude, submission.longitude),
        address_string=check_text(submission.address, "address", 250),
        address_id="",
        email="",
        device_id="",
        account_id="",
        first_name="" if anonymous else check_text(submission.name, "name", 50),
        last_name="",
        phone="" if anonymous else phone,
        phone_verified=phone_ok,
        description=check_text(submission.description, "description", DESCRIPTION_MAX, True),
        media_url="",
        attributes=attributes,
    )


async def find_community(code: str) -> Row:
    """The community a page's code names, with its street's code (public reference data)."""
    rows = await Community.raw(
        "SELECT c.id, c.code, c.name, c.street, s.code AS street_code, s.name AS street_name"
        " FROM community c JOIN street s ON s.id = c.street WHERE c.code = {}",
        check_text(code, "community", 12),
    ).run()
    if not rows:
        raise NotFound("没有这个社区，请重新扫描社区的二维码", field="community")
    return rows[0]


async def route(form: ReportForm, grid_code: str, community: Row) -> tuple[Place, bool]:
    """Where the submission belongs, and whether staff must still place it."""
    fallback = Place(community["id"], None, None, None, form.address_string)
    if form.point is not None:
        longitude, latitude = form.point
        grid = await find_grid_at(longitude, latitude)
        if grid is not None:
            return Place(
                grid["community"], grid["id"], longitude, latitude, form.address_string
            ), False
        return Place(community["id"], None, longitude, latitude, form.address_string), True
    if grid_code:
        grid = (
            await ResponsibilityGrid.select()
            .where(ResponsibilityGrid.code == check_text(grid_code, "grid", 20))
            .first()
        )
        if grid is None:
            raise NotFound("没有这个网格，请重新扫描二维码", field="grid")
        point = parse_polygon(grid["boundary"]).representative_point() if grid["boundary"] else None
        return Place(
            grid["community"],
            grid["id"],
            point.x if point else None,
            point.y if point else None,
            form.address_string or grid["name"],
        ), False
    if form.address_string:
        buildings = (
            await Building.select().where(Building.address == form.address_string).limit(2).run()
        )
        if len(buildings) == 1:
            return building_place(buildings[0], form.address_string), False
    return fallback, True


def community_scope(community_id: int, street_id: int, actor_id: int | None) -> Scope:
    """The community's scope for a write (a resident has no login: no actor)."""
    return Scope(
        user_id=actor_id, level=Level.community, street_id=street_id, community_id=community_id
    )


def check_reach(taker: Scope, community: Row) -> None:
    """A call-taker records calls for the communities their own scope reaches: any for the
    district, their street's for a street official, their own for community staff and grid
    workers (who take calls on the phone app)."""
    if taker.read_only or taker.level is Level.none:
        raise Forbidden("只有社区或街道工作人员可以登记热线来电", field="community")
    if taker.is_superuser:
        return
    if taker.level is Level.street and taker.street_id == community["street"]:
        return
    if taker.community_id == community["id"]:
        return
    raise Forbidden("不能为其他街道或社区登记来电", field="community")


async def submit(
    submission: Submission,
    *,
    channel: str = CaseChannel.web,
    challenge: str | None = None,
    taker: Scope | None = None,
) -> Received:
    """File a submission and open its case; the tracking code is in the answer only.

    One transaction: the community and its street are looked up among all, the service and
    the place are read in the street's public scope, and the work item or supervision record,
    the service request, the case and the code are written in the community's scope (as the
    call-taker for a call, else as nobody: residents have no login). Photos are re-encoded
    first and written last, so a refused submission leaves no file.
    """
    if len(submission.photos) > MAX_PHOTOS:
        raise ValidationFailed(f"最多上传 {MAX_PHOTOS} 张照片", field="photos")
    jpegs = [reencode(data) for data in submission.photos]
    async with scoped_transaction(SUPERUSER_SCOPE):
        community = await find_community(submission.community)
        if taker is not None:
            check_reach(taker, community)
        street = (await Street.select().where(Street._meta.primary_key == community["street"]))[0]
        form = to_form(submission, community["street_code"])
        await switch_scope(public_scope(street["id"]))
        if form.service_code.startswith(SUPERVISION_PREFIX) and not submission.subject.strip():
            raise ValidationFailed("请写明监督对象（部门、单位或干部）", field="subject")
        report = await read_report(form)
        place, needs_placement = await route(form, submission.grid, community)
        actor = taker.user_id if taker is not None else None
        await switch_scope(community_scope(place.community_id, street["id"], actor))
        source = WorkSource.hotline if channel == CaseChannel.hotline else WorkSource.resident
        if isinstance(report, WorkReport):
            filed = await push_work_report(form, report, place, street, actor, source=source)
        else:
            filed = await raise_supervision_report(form, report, place, street, actor)
        keys = store_photos(jpegs)
        try:
            case = await _open_case(
                filed, report, form, place, channel, needs_placement, keys, challenge
            )
            kind = CodeKind.caller if channel == CaseChannel.hotline else CodeKind.reporter
            code = await issue_code(case["id"], kind)
        except BaseException:
            remove_photos(keys)
            raise
    return Received(
        case_id=case["id"],
        code=code,
        kind="report" if isinstance(report, WorkReport) else "supervision",
        needs_placement=needs_placement,
        notice=filed.created.service_notice,
    )


def summary_of(report: WorkReport | SupervisionReport, form: ReportForm) -> str:
    head = report.title if isinstance(report, WorkReport) else f"监督：{report.answers['subject']}"
    words = form.description.replace("\n", " ")[:SUMMARY_WORDS]
    return f"{head}｜{words}"[:200] if words else head[:200]


async def _open_case(
    filed: Filed,
    report: WorkReport | SupervisionReport,
    form: ReportForm,
    place: Place,
    channel: str,
    needs_placement: bool,
    photos: list[str],
    challenge: str | None,
) -> Row:
    work = isinstance(report, WorkReport)
    return await insert_row(
        ResidentCase,
        {
            "community": place.community_id,
            "grid": place.grid_id,
            "service_request": filed.request["id"],
            "work_item": filed.target["id"] if work else None,
            "supervision_record": None if work else filed.target["id"],
            "first_work_item": None,
            "channel": channel,
            "summary": summary_of(report, form),
            "needs_placement": needs_placement,
            "photos": photos,
            "challenge": challenge,
            "created_at": utc_now(),
        },
    )


async def issue_code(case_id: int, kind: str, challenge: str | None = None) -> str:
    """A new tracking code for the case (in the current transaction); the code itself."""
    code = codes.new_code()
    await insert_row(
        TrackingCode,
        {
            "resident_case": case_id,
            "code_hash": codes.code_hash(code),
            "kind": kind,
            "challenge": challenge,
            "created_at": utc_now(),
        },
    )
    return code
