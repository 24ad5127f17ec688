"""The main breakdowns answered from memory, valid while the change stamp stays (correct across workers)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

from service.db import sql
from service.enums import (
    AchievementLevel,
)
from service.models import Category
from service.stats.tables import _YEARLY_COLUMNS, DAILY, YEARLY, _date_param, _query, points

log = logging.getLogger("juara.stats")



# --- the main breakdowns in memory ---------------------------------------------------------------------

@dataclass(frozen=True)
class CubeFilter:
    """A stats filter in the dimensions the in-memory aggregates hold (no sub-category filter)."""

    status: str
    year: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    level: str | None
    root: int | None  # a top-level category
    kecamatan: int | None


# (dimension, key) -> [count, points]; dimensions "k" kecamatan, "l" level, "c" top-level category, "t" total.
Totals = dict[tuple[str, Any], list[int]]
# Running sums as arrays of int64 ("array[int]" quoted: array is not subscriptable at runtime before 3.12).
Prefix = dict[tuple[str, Any], tuple["array[int]", "array[int]"]]
_DIMENSION_COLUMN = {"k": "kecamatan_id", "l": "level", "c": "category_root_id"}
_LEVEL_CODES = [lv.value for lv in AchievementLevel]
_YEAR_LIMIT = 128  # filters kept per generation: each is at most a few kilobytes a year
_PREFIX_LIMIT = 512  # (filter, month) day-by-day sums kept: each about 40 series of 32 days, 20 kB
_MONTH_LIMIT = 48  # (status, month) day cells kept: about 40 bytes a cell


def _add(totals: Totals, key: tuple[str, Any], n: int, p: int) -> None:
    cell = totals.get(key)
    if cell is None:
        totals[key] = [n, p]
    else:
        cell[0] += n
        cell[1] += p


async def _year_totals(status: str, level: str | None, root: int | None, kec: int | None,
                       years: set[int] | None = None) -> dict[int, Totals]:
    """Per year, the breakdowns (kecamatan, level, top-level category, total) of the yearly cells that pass
    the filter. The cells come as plain tuples (no per-row dicts): a new generation, after every verification,
    reads a few thousand of them. Grouping in SQL instead (four GROUP BYs in one UNION) measured slower on SQLite."""
    where: list[str] = ["status = ?"]
    params: list[Any] = [status]
    for column, value in (("level", level), ("category_root_id", root), ("kecamatan_id", kec)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if years is not None:
        where.append(f"year IN ({', '.join('?' * len(years))})")
        params.extend(sorted(years))
    _, rows = await connections.get("default").execute_query(sql(
        f"SELECT year, level, category_root_id, kecamatan_id, count, points FROM {YEARLY} "
        f"WHERE {' AND '.join(where)}"), params)
    out: dict[int, Totals] = {}
    for year, lv, rt, kc, n, p in rows:
        totals = out.get(year)
        if totals is None:
            totals = out[year] = {}
        n, p = int(n), int(p)
        for key in (("k", int(kc)), ("l", lv), ("c", int(rt)), ("t", 0)):
            cell = totals.get(key)
            if cell is None:
                totals[key] = [n, p]
            else:
                cell[0] += n
                cell[1] += p
    return out


def _day_prefix(days: tuple[array, ...], level: str | None, root: int | None, kec: int | None) -> Prefix:
    """Running sums by day of the month (index 0 = before the 1st) of every breakdown, for one filter."""
    level_code = _LEVEL_CODES.index(level) if level is not None else -1
    per_day: dict[tuple[str, Any], tuple[list[int], list[int]]] = {}

    def bump(key: tuple[str, Any], day: int, n: int, p: int) -> None:
        series = per_day.get(key)
        if series is None:
            series = per_day[key] = ([0] * 32, [0] * 32)
        series[0][day] += n
        series[1][day] += p

    for day, lv, rt, kc, n, p in zip(*days, strict=True):
        if (level_code >= 0 and lv != level_code) or (root is not None and rt != root) or (
                kec is not None and kc != kec):
            continue
        bump(("k", kc), day, n, p)
        bump(("l", _LEVEL_CODES[lv]), day, n, p)
        bump(("c", rt), day, n, p)
        bump(("t", 0), day, n, p)
    return {key: (array("q", accumulate(ns)), array("q", accumulate(ps))) for key, (ns, ps) in per_day.items()}


def _month_spans(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


class _Generation:
    """What is kept in memory for one value of the change stamp; a new value starts an empty one."""

    def __init__(self, stamp: Any, carried: OrderedDict | None = None) -> None:
        self.stamp = stamp
        # VERIFIED only: the yearly totals of earlier generations with the year stamps read before they were
        # loaded, {filter key: (year stamps, totals)}; a new generation reloads only the years whose stamp moved.
        self._carried = carried
        self._year_stamps: Any = None
        self._stores: dict[str, OrderedDict] = {name: OrderedDict() for name in ("yearly", "years", "points", "month", "prefix", "roots")}
        self._pending: dict[tuple[str, Any], asyncio.Future] = {}

    async def _get(self, store: str, key: Any, make: Any, limit: int = 0) -> Any:
        """The value under `key`, made once (concurrent requests wait for the same load)."""
        values = self._stores[store]
        if key in values:
            values.move_to_end(key)
            return values[key]
        pending = self._pending.get((store, key))
        if pending is not None:
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self._pending[(store, key)] = future
        try:
            value = await make()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here; whoever waits on it re-raises it
            raise
        else:
            future.set_result(value)
            values[key] = value
            if limit and len(values) > limit:
                values.popitem(last=False)
            return value
        finally:
            del self._pending[(store, key)]

    async def year_totals(self, f: CubeFilter) -> dict[int, Totals]:
        key = (f.status, f.level, f.root, f.kecamatan)

        async def make() -> dict[int, Totals]:
            carried = self._carried
            if carried is None:
                return await _year_totals(*key)
            # The year stamps first, then the cells: the cells are never older than the stamps kept with them.
            stamps = await self.year_stamps()
            if stamps is None:
                return await _year_totals(*key)
            before = carried.get(key)
            if before is None:
                value = await _year_totals(*key)
            else:
                old_stamps, old_value = before
                changed = {y for y in stamps.keys() | old_stamps.keys() if stamps.get(y) != old_stamps.get(y)}
                value = old_value
                if changed:
                    fresh = await _year_totals(*key, years=changed)
                    value = {y: t for y, t in old_value.items() if y not in changed}
                    value.update(fresh)
            carried[key] = (stamps, value)
            carried.move_to_end(key)
            if len(carried) > _YEAR_LIMIT:
                carried.popitem(last=False)
            return value

        return await self._get("years", key, make, _YEAR_LIMIT)

    async def year_stamps(self) -> dict[int, int] | None:
        """The year stamps as this generation first read them (once: read after the stamp of the generation)."""
        from service.change_stamp import read_year_stamps

        if self._year_stamps is None:
            self._year_stamps = (await read_year_stamps(),)
        return self._year_stamps[0]

    async def points(self) -> tuple[dict[str, int], dict[str, int]]:
        async def load() -> tuple[dict[str, int], dict[str, int]]:
            levels = await _query("SELECT level, base FROM points_level", [])
            ranks = await _query("SELECT rank, factor FROM points_rank", [])
            return {r["level"]: int(r["base"]) for r in levels}, {r["rank"]: int(r["factor"]) for r in ranks}

        return await self._get("points", None, load)

    async def month(self, status: str, year: int, month: int) -> tuple[array, ...]:
        """The daily cells of one month: day, level, top-level category, kecamatan, count, points."""
        async def load() -> tuple[array, ...]:
            base, factor = await self.points()
            first = dt.date(year, month, 1)
            last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            conn = connections.get("default")
            # The unique key of the daily table starts with the date: a range scan of one month.
            _, rows = await conn.execute_query(sql(
                f"SELECT s.date, s.level, s.rank, s.category_root_id, s.kecamatan_id, s.count FROM {DAILY} s "
                "WHERE s.date >= ? AND s.date <= ? AND s.status = ?"
            ), [_date_param(first), _date_param(last), status])
            out = (array("B"), array("B"), array("q"), array("q"), array("q"), array("q"))
            codes = {code: i for i, code in enumerate(_LEVEL_CODES)}
            for r in rows:
                day = r[0].day if isinstance(r[0], dt.date) else int(str(r[0])[8:10])
                level, n = r[1], int(r[5])
                out[0].append(day)
                out[1].append(codes[level])
                out[2].append(int(r[3]))
                out[3].append(int(r[4]))
                out[4].append(n)
                out[5].append(n * points(base.get(level), factor.get(r[2])))
            return out

        return await self._get("month", (status, year, month), load, _MONTH_LIMIT)

    async def prefix(self, f: CubeFilter, year: int, month: int) -> Prefix:
        async def make() -> Prefix:
            return _day_prefix(await self.month(f.status, year, month), f.level, f.root, f.kecamatan)

        return await self._get("prefix", (f.status, f.level, f.root, f.kecamatan, year, month), make, _PREFIX_LIMIT)

    async def between(self, f: CubeFilter, start: dt.date, end: dt.date) -> Totals:
        """The breakdowns of the days from start to end (one year), month by month from the running sums."""
        out: Totals = {}
        for month in range(start.month, end.month + 1):
            first = start.day if month == start.month else 1
            last = end.day if month == end.month else 31
            for key, (ns, ps) in (await self.prefix(f, start.year, month)).items():
                n = ns[last] - ns[first - 1]
                if n:
                    _add(out, key, n, ps[last] - ps[first - 1])
        return out

    async def part_of_year(self, f: CubeFilter, whole: Totals, start: dt.date, end: dt.date) -> Totals:
        """Days start to end of one year: summed, or the whole year less the rest when the rest is shorter."""
        first, last = dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)
        rest = []
        if start > first:
            rest.append((first, start - dt.timedelta(days=1)))
        if end < last:
            rest.append((end + dt.timedelta(days=1), last))
        if sum(_month_spans(a, b) for a, b in rest) >= _month_spans(start, end):
            return await self.between(f, start, end)
        out: Totals = {key: list(cell) for key, cell in whole.items()}
        for a, b in rest:
            for key, (n, p) in (await self.between(f, a, b)).items():
                _add(out, key, -n, -p)
        return out

    async def roots(self) -> list[Category]:
        async def load() -> list[Category]:
            return list(await Category.filter(parent_id__isnull=True).order_by("sort_order", "name"))

        return await self._get("roots", None, load)

    async def summary(self, f: CubeFilter) -> dict[str, dict[Any, tuple[int, int]]]:
        per_year = await self.year_totals(f)
        low, high = f.date_from, f.date_to
        if f.year is not None:
            first, last = dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)
            low = max(low, first) if low else first
            high = min(high, last) if high else last
        parts: list[tuple[int, Totals]] = []
        for year in sorted(per_year):
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            start = max(low, first) if low else first
            end = min(high, last) if high else last
            if start > end:
                continue
            if start == first and end == last:
                parts.append((year, per_year[year]))
                continue
            parts.append((year, await self.part_of_year(f, per_year[year], start, end)))
        out: dict[str, dict[Any, tuple[int, int]]] = {column: {} for column in _YEARLY_COLUMNS}
        merged: Totals = {}
        for year, totals in parts:
            for key, (n, p) in totals.items():
                if n:
                    _add(merged, key, n, p)
            n, p = totals.get(("t", 0), (0, 0))
            if n:
                out["year"][year] = (n, p)
        for (dimension, key), (n, p) in merged.items():
            if dimension != "t":
                out[_DIMENSION_COLUMN[dimension]][key] = (n, p)
        return out


class AggregateMemory:
    """The main breakdowns answered from memory, valid while the change stamp stays (correct across workers).

    Loaded lazily from the aggregate tables: the yearly cells of a status, and the day cells of a year when
    a date range cuts through it. The VERIFIED figures are kept under the public change stamp (a
    verification made or withdrawn, points or reference data changed), the other statuses' under the full
    one (any committed write); when its stamp moves, the next request starts afresh (service/change_stamp.py). Never used
    inside a transaction (its own uncommitted writes are not in the stamp) nor without a readable stamp.
    """

    def __init__(self) -> None:
        self._stamp: Any = None
        self._source: tuple | None = None
        # The VERIFIED figures (what anyone may see) under the public stamp, which a contributor's draft or
        # submission leaves alone; the other statuses' under the full stamp, which every write moves.
        self._generations: dict[bool, _Generation] = {}
        # The public yearly totals carried from one generation to the next (see _Generation.year_totals).
        self._carried: OrderedDict = OrderedDict()
        self._warned = False

    async def generation(self, status: str = "VERIFIED") -> _Generation | None:
        from service.change_stamp import ChangeStamp

        conn = connections.get("default")
        if isinstance(conn, TransactionalDBClient):
            return None
        source = (conn.capabilities.dialect, getattr(conn, "filename", None), getattr(conn, "host", None),
                  getattr(conn, "port", None), getattr(conn, "database", None))
        if source != self._source:
            self._stamp, self._source, self._generations = ChangeStamp(), source, {}
            self._carried = OrderedDict()
        public = status == "VERIFIED"
        try:
            stamp = await self._stamp.read(public=public)
        except Exception:  # noqa: BLE001 - without a stamp the tables answer, never a failed request
            if not self._warned:
                log.warning("change stamp unreadable (run `juara migrate`); stats read the tables", exc_info=True)
                self._warned = True
            return None
        if stamp is None:
            return None
        generation = self._generations.get(public)
        if generation is None or generation.stamp != stamp:
            generation = self._generations[public] = _Generation(stamp, self._carried if public else None)
        return generation

    def clear(self) -> None:
        self._generations = {}
        self._carried = OrderedDict()


CUBE = AggregateMemory()




