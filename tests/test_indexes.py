"""The lookups every write and loader makes by a foreign key read an index, not the whole table."""

from __future__ import annotations

import pytest
from tortoise import connections

from service.db import dialect

LOOKUPS = [
    "SELECT achievement_id, sha256 FROM evidence WHERE achievement_id IN (1, 2) AND sha256 IS NOT NULL",
    "SELECT 1 FROM evidence WHERE achievement_id = 1 LIMIT 1",
    "SELECT id FROM press_release WHERE achievement_id IN (1, 2)",
    "SELECT id FROM quote_request WHERE press_release_id = 1",
]


@pytest.mark.parametrize("query", LOOKUPS)
async def test_foreign_key_lookups_use_an_index(db, query):
    conn = connections.get("default")
    if dialect() == "postgres":
        async with conn._in_transaction() as tx:
            # With sequential scans priced out, the planner still scans when no index can answer.
            await tx.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await tx.execute_query(f"EXPLAIN {query}")
        plan = " ".join(str(next(iter(dict(r).values()))) for r in rows)
        assert "Index" in plan and "Seq Scan" not in plan, plan
    else:
        _, rows = await conn.execute_query(f"EXPLAIN QUERY PLAN {query}")
        plan = " ".join(str(tuple(r)[-1]) for r in rows)
        assert "USING" in plan and "INDEX" in plan and "SCAN evidence" not in plan and "SCAN press_release" not in plan, plan


async def test_the_public_listing_reads_its_page_in_index_order(db):
    """The anonymous listing's page (VERIFIED, newest first, by id within a day) walks the (status, date, id)
    index: no index that merely starts with the status may make SQLite sort the whole status in a temporary
    B-tree, and PostgreSQL sorts nothing (with (status, date) it sorted every row of the newest days by id)."""
    query = "SELECT id FROM achievement WHERE status = 'VERIFIED' ORDER BY date DESC, id DESC LIMIT 21"
    conn = connections.get("default")
    if dialect() == "postgres":
        async with conn._in_transaction() as tx:
            await tx.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await tx.execute_query(f"EXPLAIN {query}")
        plan = " ".join(str(next(iter(dict(r).values()))) for r in rows)
        assert "Index" in plan and "Sort" not in plan, plan
    else:
        _, rows = await conn.execute_query(f"EXPLAIN QUERY PLAN {query}")
        plan = " ".join(str(tuple(r)[-1]) for r in rows)
        assert "TEMP B-TREE" not in plan and "INDEX" in plan, plan
