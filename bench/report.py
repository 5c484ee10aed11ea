"""Results as JSON and as a Markdown table, under bench/results/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.jobs import REMINDER_ROUND_SECONDS

RESULTS = Path(__file__).resolve().parent / "results"
SERVERS = (
    ("product-uvicorn", "product (uvicorn)"),
    ("product-granian", "product (granian)"),
    ("raw", "limit: raw asyncpg"),
    ("raw-scoped", "raw asyncpg + the product's RLS scope"),
    ("drf", "alternative: DRF"),
    ("product-tuned", "experiment: product + proposed fixes"),
)


def _cell(result: Any) -> str:
    if isinstance(result, str):
        return result
    if not isinstance(result, dict):
        return "–"
    errors = f", **{result['errors']} errors**" if result["errors"] else ""
    cpu = (
        f"; CPU/req {result['web_cpu_ms']:.2f} + db {result['db_cpu_ms']:.2f} ms"
        if result.get("web_cpu_ms")
        else ""
    )
    return (
        f"{result['rps']:,.0f}/s, p50 {result['p50_ms']:g} / p99 {result['p99_ms']:g} ms"
        f"{errors}{cpu}"
    )


def _met(value: Any) -> str:
    return {True: "yes", False: "**no**"}.get(value, "–")


def markdown(report: dict[str, Any]) -> str:
    scale = report["scale"]
    options = report["options"]
    lines = [
        f"# Benchmark: scale `{scale['name']}` — {report['started_at']}",
        "",
        f"{scale['communities']:,} communities, {scale['grids']:,} grids, "
        f"{scale['households']:,} households, {scale['workers']:,} workers, "
        f"{report['rows'].get('check_in', 0):,} check-ins, "
        f"{report['rows'].get('work_item', 0):,} work items, "
        f"{report['rows'].get('supervision_record', 0):,} supervision records. "
        f"Commit `{report['machine']['commit']}`, {report['machine']['cpus']} CPUs, "
        f"{options['workers']} worker process(es) per server, {options['connections']} "
        f"connections, {options['warmup']:g} s warm-up + {options['seconds']:g} s measured "
        f"with {report['load_tool']}. Load average (1/5/15 min) at start "
        f"{report['machine'].get('load_average_at_start', '?')}, at end "
        f"{report['machine'].get('load_average_at_end', '?')} (other work on the machine).",
        "",
        "| scenario | target | "
        + " | ".join(label for _, label in SERVERS)
        + " | ratios (uvicorn) | met (uvicorn / granian) |",
        "|---|---|" + "---|" * len(SERVERS) + "---|---|",
    ]
    for s in report["scenarios"]:
        ratios = s.get("ratios", {}).get("product-uvicorn", {})
        ratio_text = ", ".join(f"{k.replace('vs_', '× ')} {v:g}" for k, v in ratios.items()) or "–"
        met = " / ".join(
            _met(s.get("met", {}).get(k)) for k in ("product-uvicorn", "product-granian")
        )
        lines.append(
            f"| {s['title']} | {s['target']} | "
            + " | ".join(_cell(s["results"].get(key)) for key, _ in SERVERS)
            + f" | {ratio_text} | {met} |"
        )
    rollup = report.get("monthly_rollup")
    if rollup:
        lines.append(
            f"| monthly rollup ({rollup['rows']:,} rows, {rollup['period_start']}) | < 30 s, "
            f"≤ 2× bound | first run {rollup['product_seconds'][0]:g} s, re-run "
            f"{rollup['product_seconds'][-1]:g} s | | bound (one SELECT): "
            f"{min(rollup['bound_seconds']):g} s | | | × bound {rollup['ratio_to_bound']:g} "
            f"(re-run × {rollup.get('rerun_ratio_to_bound', 0):g}), "
            f"same figures: {'yes' if rollup['same_figures'] else '**no**'} | {_met(rollup['met'])} |"
        )
    reminders = report.get("reminder_scan")
    if reminders:
        lines.append(
            f"| daily reminder scan ({reminders['workers']:,} workers) | < {REMINDER_ROUND_SECONDS:g} s | "
            f"{', '.join(f'{t:g}' for t in reminders['seconds'])} s "
            f"({', '.join(str(n) for n in reminders['reminders_created'])} reminders) | | | | | | "
            f"{_met(reminders['met'])} |"
        )
    admin = report.get("admin_list")
    if admin:
        detail = "; ".join(
            f"{name} {r['p50_ms']:g}/{r['max_ms']:g} ms"
            for name, r in admin["pages"].items()
            if "p50_ms" in r
        )
        lines.append(
            f"| admin list of check_in (rows + count, p50/max) | < 500 ms | {detail} | | | | | | "
            f"{_met(admin['met'])} |"
        )
    rss = report.get("peak_rss")
    if rss:
        peaks = (
            "; ".join(
                f"{s['key']} ({k.removeprefix('product-')}) {s['results'][k]['peak_rss_mb']:g} MB"
                for s in report["scenarios"]
                for k in ("product-uvicorn", "product-granian", "product-tuned")
                if isinstance(s["results"].get(k), dict)
            )
            or "–"
        )
        lines.append(
            f"| web worker peak RSS under load | < 200 MB | {peaks} | | | | | | {_met(rss['met'])} |"
        )
    lines += [
        "",
        "Latency is per request from wrk (or the Python client); ratios are "
        "product throughput over the peer's, measured in the same run on the same data. "
        "CPU/req: CPU time of the web server's processes + of its PostgreSQL backends per "
        "request during the measured run (work done, less sensitive to other load than "
        "throughput).",
        "",
    ]
    return "\n".join(lines)


def write(report: dict[str, Any]) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    # One file per run (date and UTC time), so runs of the same day are all kept.
    stem = f"{report['scale']['name']}-{report['started_at'][:16].replace(':', '')}"
    json_path = RESULTS / f"{stem}.json"
    md_path = RESULTS / f"{stem}.md"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    md_path.write_text(markdown(report))
    (RESULTS / f"latest-{report['scale']['name']}.md").write_text(markdown(report))
    return json_path, md_path
