"""A street official re-runs a rollup from the admin; the rows come out the same every time."""

import datetime as dt
import json

import httpx

from app.clock import local_today
from tables.assessment import EvaluationRollup
from tables.system import AuditLog
from tests.admin.support import admin_login
from tests.admin.test_admin_forms import submit
from tests.factories import area_tree, make_staff

RERUN = "重新汇总考核-re-run-an-evaluation-rollup"


async def test_street_official_reruns_a_month_and_gets_identical_rows(
    client: httpx.AsyncClient,
) -> None:
    tree = await area_tree()
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    official = await make_staff("jd", role="street_official", street=tree.streets["A"])
    headers = await admin_login(client, "jd")
    month = local_today().replace(day=1).isoformat()

    status, message = await submit(
        client, headers, RERUN, {"period_kind": "month", "period_start": month}
    )
    assert status == 200, message
    assert "汇总完成" in message
    first = await EvaluationRollup.select().order_by(EvaluationRollup.id).run()
    assert {r["target_kind"] for r in first} >= {"staff", "grid", "community", "street"}
    # The rows are derived data; the re-run itself is audited, under the official.
    runs = (
        await AuditLog.select()
        .where(AuditLog.table_name == "evaluation_rollup")
        .order_by(AuditLog.id)
    )
    assert [(r["actor_id"], r["action"]) for r in runs] == [(official["user"], "RUN")]
    assert json.loads(runs[0]["after"])["inserted"] == len(first)

    status, message = await submit(
        client, headers, RERUN, {"period_kind": "month", "period_start": month}
    )
    assert status == 200 and f"未变 {len(first)} 行" in message
    again = await EvaluationRollup.select().order_by(EvaluationRollup.id).run()
    assert again == first
    runs = (
        await AuditLog.select()
        .where(AuditLog.table_name == "evaluation_rollup")
        .order_by(AuditLog.id)
    )
    assert [r["actor_id"] for r in runs] == [official["user"]] * 2
    assert json.loads(runs[1]["after"])["unchanged"] == len(first)


async def test_rerun_refuses_a_future_month_and_grid_workers(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    await make_staff("jd", role="street_official", street=tree.streets["A"])
    await make_staff("wg", community=tree.communities["A1"], grids=[tree.grids["A1-1"]])
    headers = await admin_login(client, "jd")
    future = (local_today().replace(day=1) + dt.timedelta(days=62)).replace(day=1).isoformat()
    status, message = await submit(
        client, headers, RERUN, {"period_kind": "month", "period_start": future}
    )
    assert status >= 400
    assert "周期开始" in message  # the refused field, by its title
    assert await EvaluationRollup.count() == 0

    client.cookies.clear()
    headers = await admin_login(client, "wg")
    status, message = await submit(
        client,
        headers,
        RERUN,
        {"period_kind": "month", "period_start": local_today().replace(day=1).isoformat()},
    )
    assert status >= 400
    assert await EvaluationRollup.count() == 0
