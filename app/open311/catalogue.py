"""The Open311 service catalogue: which categories residents may report, and how they read.

A street's services are its approved access-list entries (准入清单) in a resident-reportable
category, plus the four kinds of community supervision. Service codes are stable:
`access-<entry id>` and `supervision-<kind>`. Everything here is vocabulary and words; the
rules (what may enter a community, how a record moves) stay in app.work and app.supervision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.supervision.services import ANSWER_PERIOD
from tables.choices import SupervisionKind, SupervisionStatus, WorkCategory, WorkStatus

ACCESS_PREFIX = "access-"
SUPERVISION_PREFIX = "supervision-"
SUPERVISION_GROUP = "社区监督 Community supervision"


@dataclass(frozen=True)
class Attribute:
    """One extra field of a service definition (GeoReport v2 `attribute`)."""

    code: str
    datatype: str  # string | number | datetime | text | singlevaluelist | multivaluelist
    description: str
    required: bool = False
    datatype_description: str | None = None
    values: tuple[tuple[str, str], ...] = ()  # (key, name) of list datatypes
    max_length: int = 200

    def label_of(self, key: str) -> str:
        return dict(self.values).get(key, key)


@dataclass(frozen=True)
class Category:
    """How a kind of report reads to residents and how long the community has for it."""

    label: str
    description: str
    keywords: str
    settle_within: dt.timedelta
    attributes: tuple[Attribute, ...] = field(default=())

    @property
    def notice(self) -> str:
        days = self.settle_within.days
        return (
            f"社区一个工作日内受理，{days} 日内办结。"
            f" The community takes the report up within one working day and settles it"
            f" within {days} days."
        )


URBAN_PROBLEMS = (
    ("illegal_construction", "违章搭建 Illegal construction"),
    ("street_vending", "占道经营 Street vending"),
    ("rubbish", "垃圾堆放 Dumped rubbish"),
    ("street_light", "路灯损坏 Broken street light"),
    ("manhole_cover", "井盖缺失或损坏 Missing or broken manhole cover"),
    ("noise", "噪声扰民 Noise"),
    ("other", "其他 Other"),
)
PUBLIC_ORDER_MATTERS = (
    ("dispute", "矛盾纠纷 Dispute between neighbours"),
    ("safety_hazard", "安全隐患 Safety hazard"),
    ("fire_hazard", "消防隐患 Fire hazard"),
    ("public_order", "治安问题 Public order"),
    ("other", "其他 Other"),
)
CARE_SITUATIONS = (
    ("elderly_alone", "独居老人 Elderly person living alone"),
    ("low_income", "低收入困难 Low income"),
    ("disability", "残疾 Disability"),
    ("left_behind_child", "留守儿童 Child left behind"),
    ("veteran", "退役军人 Veteran"),
)

# Categories of access-list entries residents may report. Party building and family-planning
# checks are administrative work of the community itself, not something residents report.
REPORTABLE: dict[str, Category] = {
    WorkCategory.civil_affairs: Category(
        label="民政 Civil affairs",
        description="困难救助、养老服务等民政事项 Social assistance, elderly care",
        keywords="民政, 救助, 养老, civil affairs, assistance, elderly",
        settle_within=dt.timedelta(days=10),
        attributes=(
            Attribute(
                code="situation",
                datatype="multivaluelist",
                description="需关爱情形 Who needs care (any that apply)",
                values=CARE_SITUATIONS,
            ),
        ),
    ),
    WorkCategory.employment: Category(
        label="就业 Employment",
        description="就业登记、就业援助 Job seekers' registration and help",
        keywords="就业, 失业, employment, jobs",
        settle_within=dt.timedelta(days=10),
    ),
    WorkCategory.social_security: Category(
        label="社会保障 Social security",
        description="养老、医疗保险参保 Pension and health insurance enrolment",
        keywords="社保, 医保, 养老保险, social security, insurance",
        settle_within=dt.timedelta(days=10),
    ),
    WorkCategory.urban_management: Category(
        label="城市管理 Urban management",
        description="市容环境、违章搭建、占道经营 Street scene, illegal building, street vending",
        keywords="城管, 市容, 违建, urban management, rubbish, street light",
        settle_within=dt.timedelta(days=5),
        attributes=(
            Attribute(
                code="problem",
                datatype="singlevaluelist",
                description="问题类型 What is wrong",
                required=True,
                values=URBAN_PROBLEMS,
            ),
        ),
    ),
    WorkCategory.comprehensive_management: Category(
        label="综合治理 Public order",
        description="矛盾纠纷、安全隐患 Disputes and safety hazards",
        keywords="综治, 纠纷, 隐患, dispute, hazard, public order",
        settle_within=dt.timedelta(days=3),
        attributes=(
            Attribute(
                code="matter",
                datatype="singlevaluelist",
                description="事项类型 Kind of matter",
                required=True,
                values=PUBLIC_ORDER_MATTERS,
            ),
            Attribute(
                code="people_involved",
                datatype="number",
                description="涉及人数 People involved",
                datatype_description="整数 A whole number from 1 to 10000",
            ),
            Attribute(
                code="happened_at",
                datatype="datetime",
                description="发生时间 When it happened",
                datatype_description="ISO 8601, e.g. 2026-11-23T08:30:00+08:00",
            ),
        ),
    ),
    WorkCategory.other: Category(
        label="其他 Other",
        description="其他社区事务 Other community matters",
        keywords="其他, other",
        settle_within=dt.timedelta(days=10),
    ),
}

SUPERVISION_ATTRIBUTES = (
    Attribute(
        code="subject",
        datatype="string",
        description="监督对象 Office, unit or cadre concerned",
        required=True,
        datatype_description="至多 200 字 At most 200 characters",
    ),
    Attribute(
        code="anonymous",
        datatype="singlevaluelist",
        description="是否匿名 Raise it anonymously (name and contact are then not kept)",
        values=(("true", "匿名 Anonymous"), ("false", "实名 With my name")),
    ),
)


@dataclass(frozen=True)
class SupervisionService:
    kind: str
    name: str
    description: str
    keywords: str

    @property
    def code(self) -> str:
        return SUPERVISION_PREFIX + self.kind

    @property
    def notice(self) -> str:
        days = ANSWER_PERIOD.days
        return (
            f"{days} 日内答复，反映人信息严格保密。"
            f" An answer is due within {days} days; who raised it is never disclosed."
        )


SUPERVISION_SERVICES: dict[str, SupervisionService] = {
    service.kind: service
    for service in (
        SupervisionService(
            SupervisionKind.government_work,
            "政府工作监督 Government work in the community",
            "依法行政、公共服务、社会管理 Administration by law, public services, social management",
            "监督, 政府, 公共服务, supervision, government",
        ),
        SupervisionService(
            SupervisionKind.unit_social_responsibility,
            "驻区单位履责监督 Units' social responsibilities",
            "驻区单位履行社会责任和公共义务 Units in the area meeting their social and public duties",
            "监督, 单位, 社会责任, supervision, units",
        ),
        SupervisionService(
            SupervisionKind.residents_rights,
            "群众权益保障监督 Residents' rights and interests",
            "维护群众合法权益 Safeguarding residents' rights and interests",
            "监督, 权益, supervision, rights",
        ),
        SupervisionService(
            SupervisionKind.cadre_conduct,
            "干部八小时以外监督 Cadres' conduct outside work",
            "党员干部八小时以外言行 Conduct of party and government cadres outside working hours",
            "监督, 干部, 作风, supervision, cadres",
        ),
    )
}


def access_code(entry_id: int) -> str:
    return f"{ACCESS_PREFIX}{entry_id}"


def parse_service_code(code: str) -> tuple[str, int | str] | None:
    """("access", entry id) or ("supervision", kind) for a well-formed code, else None."""
    if code.startswith(ACCESS_PREFIX):
        digits = code[len(ACCESS_PREFIX) :]
        if digits.isascii() and digits.isdigit() and len(digits) <= 9:
            return "access", int(digits)
        return None
    if code.startswith(SUPERVISION_PREFIX) and code[len(SUPERVISION_PREFIX) :] in (
        SUPERVISION_SERVICES
    ):
        return "supervision", code[len(SUPERVISION_PREFIX) :]
    return None


# --- Status: the six stages (and rejection) of a work item, the four of a supervision record --

WORK_STAGES: dict[str, str] = {
    WorkStatus.reported: "已上报 Reported",
    WorkStatus.accepted: "已受理 Accepted",
    WorkStatus.dispatched: "已派遣 Dispatched to a grid worker",
    WorkStatus.handled: "已处置 Handled",
    WorkStatus.verified: "已核查 Verified",
    WorkStatus.closed: "已办结 Closed",
    WorkStatus.rejected: "已退回 Rejected",
}
SUPERVISION_STAGES: dict[str, str] = {
    SupervisionStatus.received: "已收到 Received",
    SupervisionStatus.handling: "办理中 Being handled",
    SupervisionStatus.answered: "已答复 Answered",
    SupervisionStatus.closed: "已办结 Closed",
}
WORK_CLOSED = frozenset({WorkStatus.closed, WorkStatus.rejected})
# An answered record is settled from the resident's point of view.
SUPERVISION_CLOSED = frozenset({SupervisionStatus.answered, SupervisionStatus.closed})


def work_status(status: str) -> str:
    return "closed" if status in WORK_CLOSED else "open"


def supervision_status(status: str) -> str:
    return "closed" if status in SUPERVISION_CLOSED else "open"


def work_statuses(open_or_closed: str) -> list[str]:
    return [s for s in WORK_STAGES if work_status(s) == open_or_closed]


def supervision_statuses(open_or_closed: str) -> list[str]:
    return [s for s in SUPERVISION_STAGES if supervision_status(s) == open_or_closed]
