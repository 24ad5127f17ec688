"""Write the results tables of docs/benchmarks.md from bench/results.json (and bench/results-before.json).

The text between the markers is generated; everything else in the document is kept as written.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.harness import ROOT

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _figures(r: dict[str, Any]) -> str:
    keys = [
        ("sql_queries", "SQL {}"), ("vs_first_page", "{}× first page"), ("cached_median_ms", "cached {} ms"),
        ("cached_ratio", "cached ×{}"), ("rps", "{} req/s"), ("baseline_rps", "baseline {} req/s"),
        ("p99_ms", "p99 {} ms"), ("errors", "{} errors"), ("uncached_rps", "uncached {} req/s"),
        ("uncached_p99_ms", "uncached p99 {} ms"), ("rows_per_s", "{} rows/s"),
        ("baseline_rows_per_s", "plain insert {} rows/s"), ("drafts_per_s", "{} drafts/s"),
        ("bare_renders_per_s", "bare {} renders/s"), ("total", "{} counted"),
        ("first_request_ms", "first request {} ms"), ("uncached_vs_baseline", "uncached ×{} vs bare"),
        ("read_p99_ms", "read p99 {} ms"), ("write_p99_ms", "write p99 {} ms"), ("healthz_p99_ms", "/healthz p99 {} ms"),
        ("lost_writes", "{} lost"), ("rss_growth_mib", "RSS growth {} MiB"), ("load_average_before", "load {}"),
        ("run", "{} run"), ("error", "failed: {}"),
    ]
    return "; ".join(fmt.format(_fmt(r[k])) for k, fmt in keys if k in r and r[k] is not None)


def table(records: list[dict[str, Any]]) -> str:
    lines = ["| case | achievements | database | median ms | baseline ms | ratio | figures |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- |"]
    order = {"sqlite": 0, "postgres": 1}
    for r in sorted(records, key=lambda r: (r["name"].split("_")[0], r["name"], order.get(r["database"], 2),
                                            r["size"])):
        ratio = f"{r['ratio']:.2f}×" if r.get("ratio") is not None else "–"
        lines.append(f"| {r['name']} | {_fmt(r['size'])} | {r['database']} | {_fmt(r.get('median_ms'))} | "
                     f"{_fmt(r.get('baseline_median_ms'))} | {ratio} | {_figures(r)} |")
    return "\n".join(lines)


# --- the goals of the second round (issue 17) -------------------------------------------------------------

def _where(records: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [r for r in records if r["name"] == prefix or r["name"].startswith(prefix + "_")]


def _span(values: list[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    return fmt.format(lo) if lo == hi else f"{fmt.format(lo)}–{fmt.format(hi)}"


def goals(records: list[dict[str, Any]], previous: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Per goal of issue 17: what was measured and whether it is met (None: not measured in this run)."""
    out: list[dict[str, Any]] = []

    def add(case: str, goal: str, values: list[Any], met: bool | None, shown: str) -> None:
        out.append({"case": case, "goal": goal, "result": shown if values else "not measured",
                    "met": met if values else None})

    pages = [r for r in _where(records, "achievements_page") if r.get("ratio")]
    for db in ("postgres", "sqlite"):
        mine = [r["ratio"] for r in pages if r["database"] == db]
        add(f"page of 100, cache off, {db}", "≤ 1.4× hand-written SQL", mine, all(x <= 1.4 for x in mine),
            f"{_span(mine)}× ({len(mine)} measures: first page and offset 5 000, every size)")
    listing = [r["uncached_vs_baseline"] for r in _where(records, "throughput") if r.get("uncached_vs_baseline")]
    add("20-item listing, cache off", "≤ 2.0× hand-written SQL (bare ASGI app's req/s over ours)", listing,
        all(x <= 2.0 for x in listing), f"{_span(listing)}×")
    for clients, checks in ((20, "≥ 400 req/s, read p99 ≤ 100 ms, write p99 ≤ 250 ms, /healthz p99 ≤ 20 ms, 0 lost"),
                            (50, "no p99 above 500 ms, 0 lost")):
        runs = [r for r in records if r["name"] == f"mixed_{clients}c" and not r.get("error")]
        for r in runs:
            if clients == 20:
                met = (r["rps"] >= 400 and r["read_p99_ms"] <= 100 and r["write_p99_ms"] <= 250
                       and r["healthz_p99_ms"] <= 20 and r["lost_writes"] == 0 and r["errors"] == 0)
            else:
                met = (max(o["p99_ms"] for o in r["operations"].values()) <= 500 and r["healthz_p99_ms"] <= 500
                       and r["lost_writes"] == 0 and r["errors"] == 0)
            add(f"mixed workload, {clients} clients, 2 workers, {r['database']}", checks, [r], met,
                f"{r['rps']:,.0f} req/s; read p99 {r['read_p99_ms']:,.0f} ms, write p99 {r['write_p99_ms']:,.0f} ms, "
                f"/healthz p99 {r['healthz_p99_ms']:,.1f} ms; {r['errors']} errors, {r['lost_writes']} lost "
                f"(load {r.get('load_average_before', 0):.1f})")
        if not runs:
            add(f"mixed workload, {clients} clients", checks, [], None, "")
    for db in ("postgres", "sqlite"):
        rates = [r["rows_per_s"] for r in _where(records, "import_xlsx") if r["database"] == db and r.get("rows_per_s")]
        add(f"spreadsheet import, {db}", "≥ 5 000 rows/s", rates, all(x >= 5000 for x in rates),
            f"{_span(rates, '{:,.0f}')} rows/s")
    exports = [r for r in _where(records, "export_csv") if r.get("rows_per_s")]
    rates = [r["rows_per_s"] for r in exports]
    growth = [r["rss_growth_mib"] for r in exports]
    add("CSV export, streamed", "≥ 20 000 rows/s, flat memory (peak RSS growth < 64 MiB at any size)", rates,
        all(x >= 20000 for x in rates) and all(g < 64 for g in growth),
        f"{_span(rates, '{:,.0f}')} rows/s; RSS growth {_span(growth, '{:.1f}')} MiB")
    if previous:
        before = {(r["name"], r["size"], r["database"]): r for r in previous}
        for prefix, label in (("stats", "stats"), ("press_generate", "press drafts")):
            pairs = [(r, before[(r["name"], r["size"], r["database"])]) for r in _where(records, prefix)
                     if r.get("median_ms") and (r["name"], r["size"], r["database"]) in before
                     and before[(r["name"], r["size"], r["database"])].get("median_ms")]
            changes = [a["ratio"] / b["ratio"] for a, b in pairs if a.get("ratio") and b.get("ratio")]
            add(label, "no worse than before the second round (its code run again in bench/results-previous.json; ratio to its baseline ≤ 1.10× the earlier ratio)",
                changes, all(x <= 1.10 for x in changes), f"ratio now / before {_span(changes)} ({len(changes)} measures)")
    return out


def goals_table(rows: list[dict[str, Any]]) -> str:
    lines = ["| case | goal of issue 17 | result | met |", "| --- | --- | --- | --- |"]
    for g in rows:
        met = "–" if g["met"] is None else ("**yes**" if g["met"] else "**no**")
        lines.append(f"| {g['case']} | {g['goal']} | {g['result']} | {met} |")
    return "\n".join(lines)


def machine(meta: dict[str, Any]) -> str:
    return (
        f"{meta.get('nproc')} CPUs ({meta.get('cpu')}), {meta.get('memory_gb')} GB memory; "
        f"Python {meta.get('python')}, SQLite {meta.get('sqlite')}, PostgreSQL {meta.get('postgresql') or 'not run'}. "
        f"Run {meta.get('date')} ({meta.get('mode')}, sizes {', '.join(f'{s:,}' for s in meta.get('sizes', []))}; "
        f"{meta.get('seconds')} s); load average {meta.get('load_average_at_start', 0):.1f} at the start and "
        f"{meta.get('load_average_at_end', 0):.1f} at the end. Command: `{meta.get('command')}`."
        + _earlier(meta.get("earlier_run"))
    )


def _earlier(run: dict[str, Any] | None) -> str:
    """A merged file: the run whose records were kept for the cases not run again."""
    if not run:
        return ""
    return (f" The cases not run again are from the run of {run.get('date')} ({run.get('seconds')} s; load average "
            f"{run.get('load_average_at_start') or 0:.1f} at the start and {run.get('load_average_at_end') or 0:.1f} "
            "at the end).")


def section(title: str, payload: dict[str, Any]) -> str:
    return f"### {title}\n\n{machine(payload['machine'])}\n\n{table(payload['records'])}\n"


def render(sections: list[tuple[str, Path]], previous: Path | None = None) -> str:
    parts = []
    if sections and sections[0][1].exists():
        payload = json.loads(sections[0][1].read_text())
        earlier = json.loads(previous.read_text())["records"] if previous and previous.exists() else None
        parts.append("### Goals of the second round\n\n" + machine(payload["machine"]) + "\n\n"
                     + goals_table(goals(payload["records"], earlier)) + "\n")
    for title, path in sections:
        if path.exists():
            parts.append(section(title, json.loads(path.read_text())))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--after", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--before", default=str(ROOT / "bench" / "results-before.json"))
    parser.add_argument("--previous", default=str(ROOT / "bench" / "results-previous.json"),
                        help="the run before the second round, for the no-worse-than-before goals")
    parser.add_argument("--doc", default=str(DOC))
    parser.add_argument("--print", action="store_true", help="print the goals table only")
    args = parser.parse_args(argv)
    if args.print:
        payload = json.loads(Path(args.after).read_text())
        previous = Path(args.previous)
        earlier = json.loads(previous.read_text())["records"] if previous.exists() else None
        print(goals_table(goals(payload["records"], earlier)))
        return 0
    generated = render([("After the optimisation work", Path(args.after)),
                        ("Before the optimisation work", Path(args.before))], Path(args.previous))
    doc = Path(args.doc)
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{START}\n{generated}{END}{tail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
