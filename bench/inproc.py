"""Cases measured inside one process with the database open (Tortoise initialised): SQL counts and service calls.

Run as `python -m bench.inproc CASE SIZE DATABASE` with DATABASE_URL set; prints one JSON list of records.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bench.harness import Record, SqlCounter, make_record
from bench.page import PAGE_QUERY, after_for

CASES: dict[str, Callable[[int, str, bool], Awaitable[list[Record]]]] = {}


def case(name: str):
    def register(fn):
        CASES[name] = fn
        return fn

    return register


async def graphql_sql_count(query: str, variables: dict[str, Any]) -> tuple[int, list[str], dict[str, Any]]:
    """Statements one GraphQL request sends, through the ASGI app (httpx ASGITransport, no network)."""
    import httpx

    from web.app import create_app

    app = create_app(manage_database=False)
    _disable_response_cache(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        body = {"query": query, "variables": variables}
        await client.post("/graphql", json=body)  # warm: first use builds caches
        with SqlCounter() as counter:
            resp = await client.post("/graphql", json=body)
    data = resp.json()
    if data.get("errors"):
        raise RuntimeError(f"GraphQL errors: {data['errors']}")
    return counter.count, counter.statements, data


def _disable_response_cache(app: Any) -> None:
    """What is counted is the work of answering, not a replay from memory."""
    from web.response_cache import PublicResponseCache

    for route in getattr(app, "routes", []):
        inner = getattr(route, "app", None)
        while inner is not None:
            if isinstance(inner, PublicResponseCache):
                inner.enabled = False
            inner = getattr(inner, "app", None)


@case("sql_queries")
async def sql_queries(size: int, database: str, quick: bool) -> list[Record]:
    out = []
    for first, offset in ((100, 0), (10, 0), (100, 5000)):
        if offset >= size:
            continue
        after = None
        if offset:
            # The cursor a client holds after reading the rows before `offset`: it carries the row's position.
            _, _, before = await graphql_sql_count(PAGE_QUERY, {"first": 1, "after": after_for(offset - 1)})
            after = before["data"]["achievements"]["pageInfo"]["endCursor"]
        count, statements, _ = await graphql_sql_count(PAGE_QUERY, {"first": first, "after": after})
        out.append(make_record("achievements_page_sql", size, database, None, None,
                               page_size=first, offset=offset, sql_queries=count, statements=statements))
    return out


@case("press_generate")
async def press_generate(size: int, database: str, quick: bool) -> list[Record]:
    """render_draft (template choice, context, sandboxed render, split) against a bare Jinja2 render of the
    same template with the same context; the facts are read from the database once, outside the timing."""
    import time

    import jinja2

    from service.enums import AchievementStatus
    from service.models import Achievement
    from service.press import lifecycle, render

    count = 100 if quick else 300
    achievements = await Achievement.filter(status=AchievementStatus.VERIFIED).order_by("-id").limit(count)
    facts = await lifecycle.facts_for(achievements)
    plans = []
    for f in facts:
        family, variant = render.resolve_template(f, None)
        plans.append((f"{family}.md.j2", render.build_context(f, variant, "XX")))
    env = render.environment()
    # The same loader, options, filters and globals, without the sandbox and the service around it.
    bare = jinja2.Environment(
        loader=env.loader, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - Markdown, exactly as the service renders it
    )
    bare.filters.update(env.filters)
    bare.globals.update(env.globals)
    templates = {name: bare.get_template(name) for name, _ in plans}

    def service_round() -> None:
        for f in facts:
            render.render_draft(f, None, "XX")

    def bare_round() -> None:
        for name, context in plans:
            templates[name].render(context)

    rounds = 5 if quick else 11
    samples: dict[str, list[float]] = {"service": [], "bare": []}
    service_round(), bare_round()
    for _ in range(rounds):
        for key, fn in (("service", service_round), ("bare", bare_round)):
            start = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - start)
    import statistics

    per_draft = statistics.median(samples["service"]) / len(facts) * 1000
    per_bare = statistics.median(samples["bare"]) / len(facts) * 1000
    start = time.perf_counter()
    with_facts = await lifecycle.facts_for(achievements)
    for f in with_facts:
        render.render_draft(f, None, "XX")
    end_to_end = (time.perf_counter() - start) / len(facts) * 1000
    return [make_record(
        "press_generate", size, database, per_draft, per_bare, drafts=len(facts),
        drafts_per_s=round(1000 / per_draft, 1), bare_renders_per_s=round(1000 / per_bare, 1),
        drafts_per_s_with_facts_query=round(1000 / end_to_end, 1),
        baseline="jinja2.Environment (no sandbox) rendering the same template with the same context",
    )]


@case("export_csv")
async def export_csv(size: int, database: str, quick: bool) -> list[Record]:
    """The anonymous CSV export of every visible achievement, streamed: rows per second and memory growth.

    The baseline is the same rows read as plain tuples by one SELECT per keyset batch and written by
    `csv.writer` (no names, labels or points). Memory: the process's peak RSS before and after the export
    (flat memory: it does not grow with the number of rows). The process is warm (one batch exported first),
    as a serving worker is.
    """
    import csv
    import io
    import resource
    import time

    from tortoise import connections

    from service.achievements import AchievementFilter
    from service.db import sql
    from service.exports import csv_chunks

    # Quick runs: the first 100 000 rows; full runs the first 200 000 (a million-row export takes minutes on a
    # loaded machine; memory growth over 200 000 rows against 8 000 at 10 000 shows whether it is flat).
    limit_rows = 100_000 if quick else 200_000
    # A warm process, as a served export finds it: one batch exported first (connections opened, reference
    # data and the points table read once, the code paths run), then the timed export.
    async for _chunk in csv_chunks(None, AchievementFilter()):
        break
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rows = produced = 0
    async for chunk in csv_chunks(None, AchievementFilter()):
        produced += len(chunk)
        rows += chunk.count(b"\n")
        if limit_rows and rows > limit_rows:
            break
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows -= 1  # the header
    conn = connections.get("default")
    started = time.perf_counter()
    last, plain = 0, 0
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    while not limit_rows or plain < rows:
        _, batch = await conn.execute_query(sql(
            "SELECT id, title, event_name, organizer, level, rank, date, institution_id FROM achievement "
            "WHERE status = 'VERIFIED' AND id > ? ORDER BY id LIMIT 1000"), [last])
        if not batch:
            break
        for r in batch:
            writer.writerow(tuple(r))
        buffer.seek(0)
        buffer.truncate()
        last = batch[-1][0]
        plain += len(batch)
    base_elapsed = time.perf_counter() - started
    rate, base_rate = rows / elapsed, plain / base_elapsed
    return [make_record(
        "export_csv", size, database, elapsed * 1000 / max(1, rows) * 1000, base_elapsed * 1000 / max(1, plain) * 1000,
        rows=rows, bytes=produced, rows_per_s=round(rate), baseline_rows_per_s=round(base_rate),
        rss_growth_mib=round((rss_after - rss_before) / 1024, 1), max_rss_mib=round(rss_after / 1024, 1),
        unit="median_ms is milliseconds per 1 000 rows",
    )]


@case("import_xlsx")
async def import_xlsx(size: int, database: str, quick: bool) -> list[Record]:
    """importAchievements' service path on a scratch database against executemany of the same rows."""
    import statistics
    import tempfile
    import time
    from pathlib import Path

    from bench import import_bench
    from service import db

    rows = 2000 if quick else 10_000
    repeat = 1 if quick else 3
    scratch = os.environ["BENCH_SCRATCH_URL"]
    await db.close_db()
    runs, baselines = [], []
    with tempfile.TemporaryDirectory() as tmp:
        # A warm-up import, then `repeat` timed ones, each into a fresh scratch database; the plain insert of
        # the same rows is timed after each.
        for n in range(1 + repeat):
            workdir = Path(tmp) / f"run{n}"
            workdir.mkdir()
            result = await import_bench.run(rows, None if scratch.startswith("sqlite") else scratch, workdir)
            await db.init_db(scratch if not scratch.startswith("sqlite") else f"sqlite://{workdir / 'bench.sqlite3'}")
            columns, values = await _created_rows(rows)
            baseline = await _bulk_insert(columns, values)
            await db.close_db()
            if n:
                runs.append(result)
                baselines.append(baseline)
    await db.init_db()
    seconds = statistics.median(r["seconds"] for r in runs)
    baseline_s = statistics.median(baselines)
    result = runs[0]
    return [make_record(
        "import_xlsx", size, database, seconds * 1000, baseline_s * 1000, rows=rows,
        rows_per_s=round(rows / seconds, 1), baseline_rows_per_s=round(rows / baseline_s, 1), repeat=repeat,
        runs_s=[round(r["seconds"], 3) for r in runs],
        peak_traced_mib=round(result["peak_traced_mib"], 1),
        baseline="executemany INSERT of the same achievement rows in one transaction (Tortoise's connection)",
        note="the import also creates persons, links, evidence, duplicate hints, a batch and an audit event",
        started_at=time.strftime("%H:%M:%S"),
    )]


async def _created_rows(rows: int) -> tuple[list[str], list[list[Any]]]:
    from tortoise import connections

    conn = connections.get("default")
    _, found = await conn.execute_query(f"SELECT * FROM achievement ORDER BY id LIMIT {int(rows)}")
    columns = [c for c in found[0].keys() if c != "id"]
    return columns, [[r[c] for c in columns] for r in found]


async def _bulk_insert(columns: list[str], values: list[list[Any]]) -> float:
    import time

    from tortoise import connections
    from tortoise.transactions import in_transaction

    from service.db import sql

    conn = connections.get("default")
    marks = ", ".join("?" for _ in columns)
    statement = sql(f"INSERT INTO achievement ({', '.join(columns)}) VALUES ({marks})")  # noqa: S608
    start = time.perf_counter()
    async with in_transaction() as tx:
        await tx.execute_many(statement, values)
    elapsed = time.perf_counter() - start
    await conn.execute_query(sql("DELETE FROM achievement WHERE id > (SELECT max(id) FROM achievement) - ?"),
                             [len(values)])
    return elapsed


async def main(names: list[str], size: int, database: str, quick: bool) -> list[Record]:
    from service import db

    await db.init_db()
    try:
        records: list[Record] = []
        for name in names:
            records.extend(await CASES[name](size, database, quick))
        return records
    finally:
        await db.close_db()


if __name__ == "__main__":
    names = sys.argv[1].split(",")
    size, database = int(sys.argv[2]), sys.argv[3]
    quick = os.environ.get("BENCH_QUICK") == "1"
    result = asyncio.run(main(names, size, database, quick))
    print(json.dumps([r.as_json() for r in result]))
