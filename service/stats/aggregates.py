"""Keeping the aggregate tables current: a change per achievement, bulk additions, a rebuild, a new points table."""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from service import audit
from service.db import batches, dialect, execute_deferred, sql
from service.enums import (
    AchievementLevel,
    AchievementRank,
)
from service.errors import Forbidden, Problems, UserErrorCode
from service.labels import LEVEL_LABEL, RANK_LABEL
from service.models import Institution, PointsLevel, PointsRank
from service.models.stats import NONE_ID
from service.security import Actor
from service.stats.tables import (
    BY_INSTITUTION,
    DAILY,
    MAX_BASE,
    MAX_FACTOR,
    POINTS_EACH,
    YEARLY,
    PointsTable,
    _date_param,
    _plain_table,
    points_join,
    points_table,
)

log = logging.getLogger("juara.stats")



async def update_points_table(
    actor: Actor,
    level_items: list[tuple[AchievementLevel, int]] | None,
    rank_items: list[tuple[AchievementRank, int]] | None,
) -> PointsTable:
    """Change bases and/or factors (ADMIN); what is not given stays. Applies to all stats from then on."""
    if not actor.can_manage:
        raise Forbidden("Hanya administrator yang dapat mengubah tabel poin.")
    problems = Problems()
    levels = dict(level_items or [])
    ranks = dict(rank_items or [])
    if len(levels) != len(level_items or []):
        problems.add("levels", UserErrorCode.DUPLICATE, "Setiap tingkat hanya boleh disebut sekali.")
    if len(ranks) != len(rank_items or []):
        problems.add("ranks", UserErrorCode.DUPLICATE, "Setiap peringkat hanya boleh disebut sekali.")
    for lv, base in level_items or []:
        if not isinstance(base, int) or not 0 <= base <= MAX_BASE:
            problems.add("levels", UserErrorCode.INVALID,
                         f"Nilai dasar tingkat {LEVEL_LABEL[lv]} harus bilangan bulat 0 sampai {MAX_BASE}.")
    for rk, factor in rank_items or []:
        if not isinstance(factor, int) or not 0 <= factor <= MAX_FACTOR:
            problems.add("ranks", UserErrorCode.INVALID,
                         f"Faktor peringkat {RANK_LABEL[rk]} harus bilangan bulat 0 sampai {MAX_FACTOR}.")
    if not levels and not ranks:
        problems.add(None, UserErrorCode.REQUIRED, "Isi minimal satu nilai dasar tingkat atau faktor peringkat.")
    problems.raise_if_any()
    async with in_transaction() as conn:
        before = await points_table(conn)
        for lv, base in levels.items():
            await PointsLevel.update_or_create(defaults={"base": base}, level=lv, using_db=conn)
        for rk, factor in ranks.items():
            await PointsRank.update_or_create(defaults={"factor": factor}, rank=rk, using_db=conn)
        after = await points_table(conn)
        # Stored points of the yearly table follow the new tables in the same transaction.
        await _rebuild_yearly(conn)
        await audit.record(actor, "points.update", "PointsTable", None,
                           before=_plain_table(before), after=_plain_table(after), connection=conn)
    log.info("points table changed", extra={"actor": actor.username})
    return after


# --- keeping the aggregates current -----------------------------------------------------------------

def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _keys(a: Any) -> tuple[tuple, tuple]:
    """The aggregate keys of one achievement row: (daily key, institution key)."""
    date = a.date if isinstance(a.date, dt.date) else dt.date.fromisoformat(str(a.date))
    kec = a.kecamatan_id if a.kecamatan_id is not None else NONE_ID
    desa = a.desa_id if a.desa_id is not None else NONE_ID
    status, level, rank = _plain(a.status), _plain(a.level), _plain(a.rank)
    daily = (date, date.year, date.month, status, level, rank, a.category_id, a.category_root_id, kec, desa,
             _plain(a.institution_kind))
    inst = (a.institution_id, date, date.year, status, level, rank, a.category_id, a.category_root_id, kec)
    return daily, inst


_DAILY_COLS = "date, year, month, status, level, rank, category_id, category_root_id, kecamatan_id, desa_id, institution_kind"
_DAILY_KEY = "date, status, level, rank, category_id, kecamatan_id, desa_id, institution_kind"
_INST_COLS = "institution_id, date, year, status, level, rank, category_id, category_root_id, kecamatan_id"
_INST_KEY = "institution_id, date, status, level, rank, category_id, kecamatan_id"


# One change of the aggregates: an upsert that returns the count it left in a cell, and the DELETE that drops
# the cell when that count is 0 or less (the tables stay as small as the data).
_Step = tuple[str, list[Any], str | None, list[Any]]


def _bump(table: str, cols: str, conflict: str, moves: list[tuple[tuple, int]]) -> _Step | None:
    """Add each (key, delta) to its cell in one statement (its RETURNING: the counts it left), and the DELETE
    of the cell a negative delta may empty."""
    moves = [(key, delta) for key, delta in moves if delta]
    if not moves:
        return None
    names = [c.strip() for c in conflict.split(",")]
    all_cols = [c.strip() for c in cols.split(",")]
    marks = "(" + ", ".join("?" for _ in range(len(all_cols) + 1)) + ")"
    params: list[Any] = []
    for key, delta in moves:
        params += [_date_param(v) if isinstance(v, dt.date) else v for v in key]
        params.append(delta)
    upsert = (f"INSERT INTO {table} ({cols}, count) VALUES {', '.join(marks for _ in moves)} "
              f"ON CONFLICT ({conflict}) DO UPDATE SET count = {table}.count + excluded.count "
              f"RETURNING {conflict}, count")
    emptied = [(key, delta) for key, delta in moves if delta < 0]
    if not emptied:
        return upsert, params, None, []
    # At most one cell loses (an achievement leaves one cell per table).
    key = emptied[0][0]
    where = " AND ".join(f"{c} = ?" for c in names)
    values = dict(zip(all_cols, key, strict=True))
    delete_params = [_date_param(values[c]) if isinstance(values[c], dt.date) else values[c] for c in names]
    return upsert, params, f"DELETE FROM {table} WHERE {where} AND count <= 0", delete_params


def _bump_yearly(daily_key: tuple, delta: int) -> _Step:
    """Count and points (with the tables in force) of one achievement into or out of its yearly cell."""
    _, year, _, status, level, rank, _, root, kec, _, _ = daily_key
    upsert = (
        f"INSERT INTO {YEARLY} (year, status, level, category_root_id, kecamatan_id, count, points) "
        f"SELECT ?, ?, ?, ?, ?, ?, ? * {POINTS_EACH} "
        f"FROM (SELECT 1 AS one) x{points_join('?', '?')} "
        "WHERE x.one = 1 "
        "ON CONFLICT (year, status, level, category_root_id, kecamatan_id) DO UPDATE SET "
        f"count = {YEARLY}.count + excluded.count, points = {YEARLY}.points + excluded.points "
        "RETURNING count")
    params = [year, status, level, root, kec, delta, delta, level, rank]
    if delta >= 0:
        return upsert, params, None, []
    return upsert, params, (
        f"DELETE FROM {YEARLY} WHERE year = ? AND status = ? AND level = ? AND category_root_id = ? "
        "AND kecamatan_id = ? AND count <= 0"), [year, status, level, root, kec]


async def _apply(conn: Any, steps: list[_Step]) -> None:
    """The steps in order. Where statements travel together (SQLite: with the transaction's COMMIT, as
    nothing in the transaction reads the aggregates after a move) every DELETE goes along (it drops nothing
    unless the cell is empty); otherwise a DELETE is sent only when its upsert left 0 or less."""
    if batches(conn):
        statements: list[tuple[str, list]] = []
        for upsert, params, delete, delete_params in steps:
            statements.append((upsert, params))
            if delete is not None:
                statements.append((delete, delete_params))
        await execute_deferred(conn, statements)
        return
    for upsert, params, delete, delete_params in steps:
        _, rows = await conn.execute_query(sql(upsert), params)
        if delete is not None and any(int(row[-1]) <= 0 for row in rows):
            await conn.execute_query(sql(delete), delete_params)


async def achievement_changed(new: Any, old: Any | None, conn: Any = None) -> None:
    """Move one achievement between aggregate cells; called inside the transaction of the change."""
    conn = conn or connections.get("default")
    new_keys = _keys(new) if new is not None else None
    old_keys = _keys(old) if old is not None else None
    if new_keys == old_keys:
        return
    steps: list[_Step] = []
    for i, (table, cols, conflict) in enumerate(((DAILY, _DAILY_COLS, _DAILY_KEY),
                                                 (BY_INSTITUTION, _INST_COLS, _INST_KEY))):
        # A cell the achievement stays in is left alone (one statement may not change a row twice).
        old_key = old_keys[i] if old_keys is not None else None
        new_key = new_keys[i] if new_keys is not None else None
        if old_key != new_key:
            step = _bump(table, cols, conflict, [(k, d) for k, d in ((old_key, -1), (new_key, 1)) if k is not None])
            if step is not None:
                steps.append(step)
    if old_keys is not None:
        steps.append(_bump_yearly(old_keys[0], -1))
    if new_keys is not None:
        steps.append(_bump_yearly(new_keys[0], 1))
    await _apply(conn, steps)


async def _rebuild_yearly(conn: Any) -> None:
    await conn.execute_query(f"DELETE FROM {YEARLY}")
    await conn.execute_query(
        f"INSERT INTO {YEARLY} (year, status, level, category_root_id, kecamatan_id, count, points) "
        "SELECT d.year, d.status, d.level, d.category_root_id, d.kecamatan_id, SUM(d.count), "
        f"SUM(d.count * {POINTS_EACH}) "
        f"FROM {DAILY} d{points_join('d.level', 'd.rank')} "
        "GROUP BY d.year, d.status, d.level, d.category_root_id, d.kecamatan_id"
    )


def _year_month_sql(column: str = "date") -> tuple[str, str]:
    if dialect() == "postgres":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)", f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"
    return f"CAST(strftime('%Y', {column}) AS INTEGER)", f"CAST(strftime('%m', {column}) AS INTEGER)"


async def add_to_aggregates(achievement_ids: list[int], connection: Any) -> None:
    """Count achievements just inserted in bulk (an import) into the aggregates, in the caller's transaction.

    Cheaper than `rebuild_aggregates()` when a few hundred rows join a large table; the rows must not have
    been counted before.
    """
    year, month = _year_month_sql("a.date")
    kec = f"COALESCE(a.kecamatan_id, {NONE_ID})"
    desa = f"COALESCE(a.desa_id, {NONE_ID})"
    # All the ids as one parameter (an array, or a JSON list on SQLite): three statements however many rows,
    # instead of three per few hundred ids, each with its own plan.
    ids: list[Any]
    if dialect() == "postgres":
        where, ids = "a.id = ANY(?::bigint[])", [list(achievement_ids)]
    else:
        where, ids = "a.id IN (SELECT value FROM json_each(?))", [json.dumps(list(achievement_ids))]
    await connection.execute_query(sql(
        f"INSERT INTO {DAILY} ({_DAILY_COLS}, count) "
        f"SELECT a.date, {year}, {month}, a.status, a.level, a.rank, a.category_id, a.category_root_id, {kec}, "
        f"{desa}, a.institution_kind, COUNT(*) FROM achievement a WHERE {where} "
        f"GROUP BY a.date, a.status, a.level, a.rank, a.category_id, a.category_root_id, {kec}, {desa}, "
        f"a.institution_kind ON CONFLICT ({_DAILY_KEY}) DO UPDATE SET count = {DAILY}.count + excluded.count"
    ), ids)
    await connection.execute_query(sql(
        f"INSERT INTO {BY_INSTITUTION} ({_INST_COLS}, count) "
        f"SELECT a.institution_id, a.date, {year}, a.status, a.level, a.rank, a.category_id, a.category_root_id, "
        f"{kec}, COUNT(*) FROM achievement a WHERE {where} "
        f"GROUP BY a.institution_id, a.date, a.status, a.level, a.rank, a.category_id, a.category_root_id, {kec} "
        f"ON CONFLICT ({_INST_KEY}) DO UPDATE SET count = {BY_INSTITUTION}.count + excluded.count"
    ), ids)
    await connection.execute_query(sql(
        f"INSERT INTO {YEARLY} (year, status, level, category_root_id, kecamatan_id, count, points) "
        f"SELECT {year}, a.status, a.level, a.category_root_id, {kec}, COUNT(*), "
        f"SUM({POINTS_EACH}) FROM achievement a{points_join('a.level', 'a.rank')} "
        f"WHERE {where} GROUP BY {year}, a.status, a.level, a.category_root_id, {kec} "
        "ON CONFLICT (year, status, level, category_root_id, kecamatan_id) DO UPDATE SET "
        f"count = {YEARLY}.count + excluded.count, points = {YEARLY}.points + excluded.points"
    ), ids)


async def rebuild_aggregates(connection: Any = None) -> dict[str, int]:
    """Recompute the aggregate tables from the achievement table in one transaction.

    Paths that write achievements in bulk without the workflow (the demo seeder, spreadsheet import,
    a data repair) call this once at the end instead of updating the aggregates row by row.
    """
    year, month = _year_month_sql()
    kec = f"COALESCE(kecamatan_id, {NONE_ID})"
    desa = f"COALESCE(desa_id, {NONE_ID})"

    async def run(conn: Any) -> dict[str, int]:
        await conn.execute_query(f"DELETE FROM {DAILY}")
        await conn.execute_query(f"DELETE FROM {BY_INSTITUTION}")
        await conn.execute_query(
            f"INSERT INTO {DAILY} ({_DAILY_COLS}, count) "
            f"SELECT date, {year}, {month}, status, level, rank, category_id, category_root_id, {kec}, {desa}, "
            f"institution_kind, COUNT(*) FROM achievement "
            f"GROUP BY date, status, level, rank, category_id, category_root_id, {kec}, {desa}, institution_kind"
        )
        await conn.execute_query(
            f"INSERT INTO {BY_INSTITUTION} ({_INST_COLS}, count) "
            f"SELECT institution_id, date, {year}, status, level, rank, category_id, category_root_id, {kec}, "
            f"COUNT(*) FROM achievement "
            f"GROUP BY institution_id, date, status, level, rank, category_id, category_root_id, {kec}"
        )
        await _rebuild_yearly(conn)
        out = {}
        for table in (DAILY, BY_INSTITUTION, YEARLY):
            _, rows = await conn.execute_query(f"SELECT COUNT(*) AS n FROM {table}")
            out[table] = int(rows[0]["n"] if isinstance(rows[0], dict) else rows[0][0])
        return out

    if connection is not None:
        result = await run(connection)
    else:
        async with in_transaction() as conn:
            result = await run(conn)
    log.info("stats aggregates rebuilt", extra={"cells": result})
    return result


async def institutions_by_id(ids: list[int]) -> dict[int, Institution]:
    return {i.id: i for i in await Institution.filter(id__in=ids)}


