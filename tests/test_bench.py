"""The benchmark code imports and runs one tiny case: the page through the app against its hand-written SQL."""

from __future__ import annotations

import json

from bench import harness, page, report, throughput
from bench.inproc import graphql_sql_count
from service.enums import AchievementStatus
from tests.factories import make_achievement, make_institution, make_person


async def test_the_page_case_runs_and_matches_its_baseline(db):
    from tortoise import connections

    from service.db import dialect

    school = await make_institution()
    consenting = await make_person(school, name="Rina Kusuma", consent=True)
    private = await make_person(school, name="Bagus Santoso", consent=False)
    for n in range(3):
        await make_achievement(school, title=f"Juara {n + 1} Lomba Pidato", persons=[consenting, private])
    await make_achievement(school, title="Draf", status=AchievementStatus.DRAFT)

    conn = connections.get("default")
    postgres = dialect() == "postgres"

    async def fetch(query: str, values: list) -> list:
        return (await conn.execute_query(page.to_pg(query) if postgres else query, values))[1]

    fetch.native_dates = postgres  # type: ignore[attr-defined]
    # After an offset-only cursor, and after the cursor the first page ends with (which seeks).
    count, statements, served = await graphql_sql_count(page.PAGE_QUERY, {"first": 2, "after": page.after_for(1)})
    assert served == json.loads(await page.baseline_page(fetch, 2, page.after_for(1)))
    after = await page.cursor_before(fetch, 1)
    _, _, sought = await graphql_sql_count(page.PAGE_QUERY, {"first": 2, "after": after})
    assert sought == json.loads(await page.baseline_page(fetch, 2, after)) == served
    assert len(served["data"]["achievements"]["edges"]) == 2
    assert served["data"]["achievements"]["edges"][0]["node"]["persons"] == [
        {"id": page.gid("Person", consenting.id), "name": "Rina Kusuma"},
        {"id": page.gid("Person", private.id), "name": "B. S."},
    ]
    assert count == len(statements) > 0

    record = harness.make_record("achievements_page", 4, dialect(), 12.0, 3.0, sql_queries=count).as_json()
    assert record["ratio"] == 4.0 and record["sql_queries"] == count
    assert "| achievements_page | 4 |" in report.table([record])


def test_load_result_counts_failures_apart():
    result = throughput.LoadResult(requests=10, failures=2, seconds=2.0, latencies=[0.001] * 8)
    assert result.rps == 4.0
    assert result.p99_ms == 1.0
