"""Service requests received over Open311 GeoReport v2 (12345-style hotlines, civic apps)."""

from piccolo.columns import JSONB, Boolean, Float, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.constraints import Check
from piccolo.table import Table

from tables.areas import Community, ResponsibilityGrid, Street
from tables.supervision import SupervisionRecord
from tables.work import WorkItem


class ServiceRequest(
    Table,
    tablename="open311_request",
    help_text="市民诉求 Open311 service request: where and how a resident reported, "
    "and the work item or supervision record it became",
):
    """What the domain records do not hold: the reported location, address and reporter.

    Exactly one of work_item and supervision_record is set. The reporter of a work item is
    kept here for the call-back (回访); a supervision record keeps its raiser itself.
    """

    street = ForeignKey(
        Street, null=False, index=True, help_text="街道 Jurisdiction", on_delete=OnDelete.restrict
    )
    community = ForeignKey(
        Community, null=False, index=True, help_text="社区 Community", on_delete=OnDelete.restrict
    )
    grid = ForeignKey(
        ResponsibilityGrid,
        null=True,
        default=None,
        index=True,
        help_text="网格 Grid found at the reported location",
        on_delete=OnDelete.restrict,
    )
    work_item = ForeignKey(
        WorkItem,
        null=True,
        default=None,
        unique=True,
        help_text="工作事项 Work item created from the request",
        on_delete=OnDelete.restrict,
    )
    supervision_record = ForeignKey(
        SupervisionRecord,
        null=True,
        default=None,
        unique=True,
        help_text="监督记录 Supervision record created from the request",
        on_delete=OnDelete.restrict,
    )
    service_code = Varchar(64, index=True, help_text="服务代码 Open311 service_code")
    latitude = Float(null=True, default=None, help_text="纬度 Latitude (WGS84)")
    longitude = Float(null=True, default=None, help_text="经度 Longitude (WGS84)")
    address_string = Varchar(250, default="", help_text="地址 Address as reported")
    address_id = Varchar(32, default="", help_text="地址编码 Building or grid code reported")
    media_url = Varchar(500, default="", help_text="图片 Media URL")
    attributes = JSONB(default="{}", help_text="附加信息 Answers to the service's attributes")
    device_id = Varchar(100, default="", help_text="设备 Device id")
    account_id = Varchar(100, default="", help_text="账号 Account id in the reporting app")
    raised_by_name = Varchar(50, default="", help_text="反映人 Reporter (protected, never public)")
    raised_by_contact = Varchar(50, default="", help_text="联系方式 Contact (masked)")
    contact_unverified = Boolean(
        default=False,
        help_text="联系方式待核实 Contact kept as typed: it does not read as a phone number",
    )
    created_at = Timestamptz(index=True, help_text="时间 Received at")

    one_target = Check("(work_item IS NULL) <> (supervision_record IS NULL)")
