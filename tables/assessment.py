"""Two-way assessment: indicators, scores given by people, and measured rollups."""

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Date, Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tables.areas import Street
from tables.choices import (
    AssessmentDirection,
    IndicatorKind,
    MeasuredMetric,
    PeriodKind,
    TargetKind,
)


class Indicator(Table, help_text="考核指标 Indicator: weight, measured or scored by people"):
    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])

    name = Varchar(100, unique=True, help_text="名称 Name")
    weight = Float(help_text="权重 Weight (weights of active indicators are normalised)")
    kind = Varchar(16, choices=IndicatorKind, help_text="类型 measured 实测 / scored 评分")
    metric = Varchar(
        32,
        choices=MeasuredMetric,
        null=True,
        default=None,
        help_text="实测指标 Metric (measured only)",
    )
    max_score = Float(default=100.0, help_text="满分 Maximum score")

    weight_positive = Check("weight > 0")
    measured_has_metric = Check("(kind = 'measured') = (metric IS NOT NULL)")


class Assessment(
    Table, help_text="考核评价 Assessment: top-down or bottom-up, one evaluator, one target"
):
    evaluator_kind = Varchar(16, choices=TargetKind, help_text="评价方类型 Evaluator kind")
    evaluator_id = Integer(help_text="评价方 Evaluator id")
    target_kind = Varchar(16, choices=TargetKind, index=True, help_text="被评价方类型 Target kind")
    target_id = Integer(index=True, help_text="被评价方 Target id")
    direction = Varchar(
        16, choices=AssessmentDirection, help_text="方向 (derived from the two levels)"
    )
    street = ForeignKey(
        Street,
        null=True,
        default=None,
        index=True,
        help_text="所属街道 (for scoping)",
        on_delete=OnDelete.restrict,
    )
    period_start = Date(index=True, help_text="周期开始 Period start")
    period_end = Date(help_text="周期结束 Period end (inclusive)")
    comment = Text(default="", help_text="评语 Comment")
    created_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.restrict)
    created_at = Timestamptz()

    period_ordered = Check("period_end >= period_start")
    one_per_period = Unique(
        ["evaluator_kind", "evaluator_id", "target_kind", "target_id", "period_start"]
    )


class AssessmentScore(Table, help_text="指标得分 Score per indicator of one assessment"):
    assessment = ForeignKey(Assessment, null=False, index=True, on_delete=OnDelete.cascade)
    indicator = ForeignKey(Indicator, null=False, index=True, on_delete=OnDelete.restrict)
    score = Float(help_text="得分 Score")

    once_per_indicator = Unique(["assessment", "indicator"])
    score_non_negative = Check("score >= 0")


class EvaluationRollup(
    Table, help_text="考核汇总 Rollup: measured facts and scores per target and period"
):
    target_kind = Varchar(16, choices=TargetKind)
    target_id = Integer()
    parent_kind = Varchar(16, choices=TargetKind, null=True, default=None, help_text="排名范围")
    parent_id = Integer(null=True, default=None)
    period_kind = Varchar(8, choices=PeriodKind)
    period_start = Date(index=True)
    check_in_rate = Float(null=True, default=None, help_text="签到率")
    on_time_rate = Float(null=True, default=None, help_text="按时办结率")
    supervision_response_rate = Float(null=True, default=None, help_text="监督回应率")
    avg_response_hours = Float(null=True, default=None, help_text="平均回应时长(小时)")
    satisfaction_rate = Float(
        null=True, default=None, help_text="群众满意率 Residents' ratings 满意 or 基本满意"
    )
    ratings = Integer(default=0, help_text="评价数 Residents' ratings given in the period")
    top_down_score = Float(null=True, default=None, help_text="自上而下评分")
    bottom_up_score = Float(null=True, default=None, help_text="自下而上评分")
    average_score = Float(null=True, default=None, help_text="平均评分")
    sample_size = Integer(default=0, help_text="样本量")
    composite_score = Float(null=True, default=None, help_text="综合得分")
    rank = Integer(null=True, default=None, help_text="排名 (none below the minimum sample size)")
    subsidy_grade = Varchar(
        16, null=True, default=None, help_text="补贴档次 Salary-scale subsidy grade"
    )
    computed_at = Timestamptz()

    one_per_target_period = Unique(["target_kind", "target_id", "period_kind", "period_start"])
