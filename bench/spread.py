"""The spread of repeated runs: `python -m bench.spread run1.json run2.json run3.json`.

Per case and database, the headline figure of each run (requests/s for throughput and the mixed workload,
rows/s for import and export, else the ratio to the baseline, and the median in ms), the median of the
runs, and the spread: (max − min) / median, and the largest distance from the median in per cent.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path


def headline(r: dict) -> tuple[str, float | None]:
    for key in ("rps", "rows_per_s"):
        if r.get(key) is not None:
            return key, r[key]
    if r.get("ratio") is not None:
        return "ratio", r["ratio"]
    return "median_ms", r.get("median_ms")


def main(paths: list[str]) -> int:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    print("load average at start/end: " + ", ".join(
        f"{r['machine'].get('load_average_at_start', 0):.1f}/{r['machine'].get('load_average_at_end', 0):.1f}" for r in runs))
    keys = sorted({(r["name"], r["database"]) for run in runs for r in run["records"]})
    print(f"| case | database | figure | {' | '.join(f'run {i + 1}' for i in range(len(runs)))} | median | spread | max off median |")
    print(f"| --- | --- | --- | {' | '.join('---:' for _ in runs)} | ---: | ---: | ---: |")
    for name, db in keys:
        values, figure = [], ""
        for run in runs:
            rec = next((r for r in run["records"] if r["name"] == name and r["database"] == db), None)
            figure, value = headline(rec) if rec else ("", None)
            values.append(value)
        known = [v for v in values if v is not None]
        if not known:
            continue
        med = statistics.median(known)
        spread = (max(known) - min(known)) / med * 100 if med else 0
        off = max(abs(v - med) for v in known) / med * 100 if med else 0
        cells = " | ".join("–" if v is None else f"{v:,.2f}" for v in values)
        print(f"| {name} | {db} | {figure} | {cells} | {med:,.2f} | {spread:.0f} % | ±{off:.0f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
