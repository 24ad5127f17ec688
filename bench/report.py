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
        ("first_request_ms", "first request {} ms"), ("error", "failed: {}"),
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


def machine(meta: dict[str, Any]) -> str:
    return (
        f"{meta.get('nproc')} CPUs ({meta.get('cpu')}), {meta.get('memory_gb')} GB memory; "
        f"Python {meta.get('python')}, SQLite {meta.get('sqlite')}, PostgreSQL {meta.get('postgresql') or 'not run'}. "
        f"Run {meta.get('date')} ({meta.get('mode')}, sizes {', '.join(f'{s:,}' for s in meta.get('sizes', []))}; "
        f"{meta.get('seconds')} s); load average {meta.get('load_average_at_start', 0):.1f} at the start and "
        f"{meta.get('load_average_at_end', 0):.1f} at the end. Command: `{meta.get('command')}`."
    )


def section(title: str, payload: dict[str, Any]) -> str:
    return f"### {title}\n\n{machine(payload['machine'])}\n\n{table(payload['records'])}\n"


def render(sections: list[tuple[str, Path]]) -> str:
    parts = []
    for title, path in sections:
        if path.exists():
            parts.append(section(title, json.loads(path.read_text())))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--after", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--before", default=str(ROOT / "bench" / "results-before.json"))
    parser.add_argument("--doc", default=str(DOC))
    args = parser.parse_args(argv)
    generated = render([("After the optimisation work", Path(args.after)),
                        ("Before the optimisation work", Path(args.before))])
    doc = Path(args.doc)
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{START}\n{generated}{END}{tail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
