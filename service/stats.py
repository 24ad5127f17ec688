"""Dashboard statistics: counts and points per kecamatan, level, category, year and more, from aggregate tables."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import json
import logging
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from service import audit
from service.db import dialect, sql
from service.directory import category_with_descendants
from service.enums import (
    LEVEL_ORDER,
    RANK_ORDER,
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    InstitutionKind,
)
from service.errors import Forbidden, Problems, UserErrorCode
from service.labels import LEVEL_LABEL, RANK_LABEL
from service.models import Category, Desa, Institution, Kecamatan, PointsLevel, PointsRank
from service.models.stats import NONE_ID
from service.security import Actor

log = logging.getLogger("juara.stats")

DAILY = "achievement_stat_daily"
YEARLY = "achievement_stat_yearly"
BY_INSTITUTION = "achievement_stat_institution"

KIND_LABEL = {
    InstitutionKind.PERANGKAT_DAERAH: "Perangkat Daerah",
    InstitutionKind.SEKOLAH: "Sekolah",
    InstitutionKind.PEMERINTAH_DESA: "Pemerintah Desa",
    InstitutionKind.KELURAHAN: "Kelurahan",
    InstitutionKind.KECAMATAN: "Kecamatan",
    InstitutionKind.PUSKESMAS: "Puskesmas",
    InstitutionKind.BUMD: "BUMD",
    InstitutionKind.ORGANISASI: "Organisasi",
    InstitutionKind.DUNIA_USAHA: "Dunia Usaha",
    InstitutionKind.LAINNYA: "Lainnya",
}
MONTH_LABEL = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]
MAX_TOP = 100
MAX_BASE = 100_000
MAX_FACTOR = 1_000


# --- reading --------------------------------------------------------------------------------------

@dataclass
class StatsFilter:
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    level: AchievementLevel | None = None
    category_id: int | None = None
    kecamatan_id: int | None = None
    # None means VERIFIED; only staff may ask for another status.
    status: AchievementStatus | None = None


@dataclass
class Bucket:
    key: str
    label: str
    count: int
    points: int
    pk: int | None = None  # the row behind the bucket (a category), when there is one


@dataclass
class KecamatanRow:
    kecamatan_id: int | None  # None = regency-wide
    count: int
    points: int


@dataclass
class DesaRow:
    desa_id: int
    count: int
    points: int


@dataclass
class InstitutionRow:
    institution_id: int
    count: int
    points: int


def effective_status(actor: Actor | None, requested: AchievementStatus | None) -> AchievementStatus:
    """Stats count VERIFIED achievements; staff may ask for another status, anyone else is refused."""
    status = requested or AchievementStatus.VERIFIED
    if status != AchievementStatus.VERIFIED and not (actor is not None and actor.is_staff):
        raise Forbidden("Statistik selain prestasi terverifikasi hanya untuk admin, verifikator dan editor.")
    return status


def _date_param(value: dt.date) -> Any:
    return value.isoformat() if dialect() == "sqlite" else value


class Scope:
    """The WHERE clause of one stats request, valid for every aggregate table it is used on.

    `yearly` says whether the small yearly table can answer: no day-precise date range, and no category
    filter below the top level (those dimensions are not in it).
    """

    def __init__(self, clauses: list[str], params: list[Any], yearly: bool = False,
                 cube: CubeFilter | None = None):
        self.clauses = clauses
        self.params = params
        self.yearly = yearly
        # The same filter in the dimensions of the in-memory aggregates, when they can answer it.
        self.cube = cube
        # The main breakdowns of one request, fetched together by whichever field asks first.
        self.summary: asyncio.Future | None = None
        # The in-memory aggregates this request reads, once the summary has been asked for.
        self.generation: _Generation | None = None

    @property
    def where(self) -> str:
        return " AND ".join(self.clauses)


async def build_scope(actor: Actor | None, flt: StatsFilter | None) -> Scope:
    f = flt or StatsFilter()
    status = effective_status(actor, f.status)
    clauses, params = ["s.status = ?"], [status.value]
    yearly = f.date_from is None and f.date_to is None
    root: int | None = None
    in_cube = True
    if f.year is not None:
        if not 1900 <= f.year <= 2200:
            problems = Problems()
            problems.add("year", UserErrorCode.INVALID, "Tahun tidak masuk akal; tulis tahun empat angka, misalnya 2025.")
            problems.raise_if_any()
        clauses.append("s.year = ?")
        params.append(f.year)
    if f.date_from is not None:
        clauses.append("s.date >= ?")
        params.append(_date_param(f.date_from))
    if f.date_to is not None:
        clauses.append("s.date <= ?")
        params.append(_date_param(f.date_to))
    if f.level is not None:
        clauses.append("s.level = ?")
        params.append(AchievementLevel(f.level).value)
    if f.category_id is not None:
        category = await Category.filter(id=f.category_id).first()
        if category is not None and category.parent_id is None:  # type: ignore[attr-defined]
            clauses.append("s.category_root_id = ?")
            params.append(category.id)
            root = category.id
        else:
            yearly = in_cube = False  # a sub-category is no dimension of the yearly table nor of the cube
            ids = await category_with_descendants(f.category_id)
            clauses.append(f"s.category_id IN ({', '.join('?' for _ in ids)})")
            params.extend(ids)
    if f.kecamatan_id is not None:
        clauses.append("s.kecamatan_id = ?")
        params.append(f.kecamatan_id)
    cube = CubeFilter(
        status.value, f.year, f.date_from, f.date_to, AchievementLevel(f.level).value if f.level else None,
        root, f.kecamatan_id,
    ) if in_cube else None
    return Scope(clauses, params, yearly, cube)


# Points per aggregate row, from the tables in force: floor(base * factor / 100) per achievement.
_POINTS_JOIN = (
    " JOIN points_level pl ON pl.level = s.level JOIN points_rank pr ON pr.rank = s.rank"
)
_SUMS = "SUM(s.count) AS n, SUM(s.count * ((pl.base * pr.factor) / 100)) AS p"


async def _query(query: str, params: list[Any]) -> list[dict]:
    conn = connections.get("default")
    return list(await conn.execute_query_dict(sql(query), params))


_YEARLY_COLUMNS = {"kecamatan_id": int, "level": str, "category_root_id": int, "year": int}


async def _fetch_summary(scope: Scope) -> dict[str, dict[Any, tuple[int, int]]]:
    """The four yearly breakdowns in one round trip: one GROUP BY per column, joined by UNION ALL."""
    parts = [
        f"SELECT '{column}' AS d, CAST(s.{column} AS TEXT) AS k, SUM(s.count) AS n, SUM(s.points) AS p "
        f"FROM {YEARLY} s WHERE {scope.where} GROUP BY s.{column}"
        for column in _YEARLY_COLUMNS
    ]
    rows = await _query(" UNION ALL ".join(parts), scope.params * len(parts))
    out: dict[str, dict[Any, tuple[int, int]]] = {column: {} for column in _YEARLY_COLUMNS}
    for r in rows:
        out[r["d"]][_YEARLY_COLUMNS[r["d"]](r["k"])] = (int(r["n"] or 0), int(r["p"] or 0))
    return out


async def _summary(scope: Scope) -> dict[str, dict[Any, tuple[int, int]]] | None:
    """The four main breakdowns of a request, once per request: from memory, else from the yearly table.

    None when neither can answer (a day-precise range read inside a transaction, say): each field then
    groups the daily table itself.
    """
    if scope.summary is None:
        future = asyncio.get_running_loop().create_future()
        scope.summary = future
        try:
            result = None
            if scope.cube is not None:
                scope.generation = await CUBE.generation()
                if scope.generation is not None:
                    result = await scope.generation.summary(scope.cube)
            if result is None and scope.yearly:
                result = await _fetch_summary(scope)
            future.set_result(result)
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here; the other fields waiting on it re-raise it
            raise
    return await scope.summary


async def _grouped(scope: Scope, column: str, table: str = DAILY, extra: str = "") -> dict[Any, tuple[int, int]]:
    where = scope.where + (f" AND {extra}" if extra else "")
    if table == DAILY and not extra and column in _YEARLY_COLUMNS and (scope.yearly or scope.cube is not None):
        summary = await _summary(scope)
        if summary is not None:
            return summary[column]
    rows = await _query(
        f"SELECT s.{column} AS k, {_SUMS} FROM {table} s{_POINTS_JOIN} WHERE {where} GROUP BY s.{column}",
        scope.params,
    )
    return {r["k"]: (int(r["n"] or 0), int(r["p"] or 0)) for r in rows}


async def total(scope: Scope) -> int:
    if scope.yearly or scope.cube is not None:
        summary = await _summary(scope)
        if summary is not None:
            return sum(n for n, _ in summary["level"].values())
    rows = await _query(f"SELECT SUM(s.count) AS n FROM {DAILY} s WHERE {scope.where}", scope.params)
    return int(rows[0]["n"] or 0) if rows else 0


_kecamatan_cache: dict[int, Kecamatan] = {}


async def kecamatan_by_id() -> dict[int, Kecamatan]:
    """The 18 kecamatan in code order. Reference data that never changes while the app runs: read once."""
    if not _kecamatan_cache:
        for k in await Kecamatan.all().order_by("code"):
            _kecamatan_cache[k.id] = k
    return _kecamatan_cache


async def by_kecamatan(scope: Scope) -> list[KecamatanRow]:
    """All 18 kecamatan in code order, zeros included, then the regency-wide row."""
    counts = await _grouped(scope, "kecamatan_id")
    out = []
    for kec_id in await kecamatan_by_id():
        n, p = counts.get(kec_id, (0, 0))
        out.append(KecamatanRow(kec_id, n, p))
    n, p = counts.get(NONE_ID, (0, 0))
    out.append(KecamatanRow(None, n, p))
    return out


async def top_kecamatan(scope: Scope) -> list[KecamatanRow]:
    """The 18 kecamatan by points, then count, then code (the regency-wide row is no kecamatan)."""
    rows = [r for r in await by_kecamatan(scope) if r.kecamatan_id is not None]
    return sorted(rows, key=lambda r: (-r.points, -r.count))  # sorted() is stable: code order breaks ties


async def by_level(scope: Scope) -> list[Bucket]:
    counts = await _grouped(scope, "level")
    return [Bucket(lv.value, LEVEL_LABEL[lv], *counts.get(lv.value, (0, 0))) for lv in LEVEL_ORDER]


async def by_rank(scope: Scope) -> list[Bucket]:
    counts = await _grouped(scope, "rank")
    return [Bucket(rk.value, RANK_LABEL[rk], *counts.get(rk.value, (0, 0))) for rk in RANK_ORDER]


async def by_institution_kind(scope: Scope) -> list[Bucket]:
    counts = await _grouped(scope, "institution_kind")
    return [Bucket(k.value, KIND_LABEL[k], *counts.get(k.value, (0, 0))) for k in InstitutionKind]


async def by_category(scope: Scope) -> list[Bucket]:
    """Every top-level category in its order, zeros included; sub-categories count toward their parent."""
    counts = await _grouped(scope, "category_root_id")
    if scope.generation is not None:
        roots = await scope.generation.roots()
    else:
        roots = await Category.filter(parent_id__isnull=True).order_by("sort_order", "name")
    return [Bucket(c.slug, c.name, *counts.get(c.id, (0, 0)), pk=c.id) for c in roots]


async def by_year(scope: Scope) -> list[Bucket]:
    """Years that have achievements, oldest first."""
    counts = await _grouped(scope, "year")
    return [Bucket(str(y), str(y), n, p) for y, (n, p) in sorted(counts.items())]


async def by_month(scope: Scope, year: int) -> list[Bucket]:
    """The twelve months of one year, zeros included."""
    counts = await _grouped(Scope(scope.clauses + ["s.year = ?"], scope.params + [year], False), "month")
    return [
        Bucket(f"{year}-{m:02d}", f"{MONTH_LABEL[m - 1]} {year}", *counts.get(m, (0, 0))) for m in range(1, 13)
    ]


async def by_desa(scope: Scope, kecamatan_id: int) -> list[DesaRow]:
    """Every desa/kelurahan of one kecamatan in code order, zeros included."""
    counts = await _grouped(Scope(scope.clauses + ["s.kecamatan_id = ?"], scope.params + [kecamatan_id], False),
                            "desa_id")
    desa_ids = await Desa.filter(kecamatan_id=kecamatan_id).order_by("code").values_list("id", flat=True)
    return [DesaRow(d, *counts.get(d, (0, 0))) for d in desa_ids]


async def top_institutions(scope: Scope, limit: int = 10) -> list[InstitutionRow]:
    """Institutions by points, then count, then name; at most `limit` (1 to 100)."""
    if not 1 <= limit <= MAX_TOP:
        problems = Problems()
        problems.add("limit", UserErrorCode.INVALID, f"Batas peringkat harus antara 1 dan {MAX_TOP}.")
        problems.raise_if_any()
    rows = await _query(
        f"SELECT s.institution_id AS k, {_SUMS} FROM {BY_INSTITUTION} s{_POINTS_JOIN} WHERE {scope.where}"
        " GROUP BY s.institution_id ORDER BY p DESC, n DESC, s.institution_id LIMIT ?",
        scope.params + [limit],
    )
    return [InstitutionRow(int(r["k"]), int(r["n"] or 0), int(r["p"] or 0)) for r in rows]


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
Prefix = dict[tuple[str, Any], tuple[list[int], list[int]]]
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


def _year_totals(rows: list[tuple], level: str | None, root: int | None, kec: int | None) -> dict[int, Totals]:
    """Per year, the breakdowns of the yearly cells that pass the filter."""
    out: dict[int, Totals] = {}
    for year, lv, rt, kc, n, p in rows:
        if (level is not None and lv != level) or (root is not None and rt != root) or (kec is not None and kc != kec):
            continue
        totals = out.get(year)
        if totals is None:
            totals = out[year] = {}
        _add(totals, ("k", kc), n, p)
        _add(totals, ("l", lv), n, p)
        _add(totals, ("c", rt), n, p)
        _add(totals, ("t", 0), n, p)
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

    def __init__(self, stamp: Any) -> None:
        self.stamp = stamp
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

    async def yearly_rows(self, status: str) -> list[tuple]:
        async def load() -> list[tuple]:
            rows = await _query(
                f"SELECT s.year AS y, s.level AS l, s.category_root_id AS c, s.kecamatan_id AS k, s.count AS n, "
                f"s.points AS p FROM {YEARLY} s WHERE s.status = ?", [status])
            return [(int(r["y"]), r["l"], int(r["c"]), int(r["k"]), int(r["n"]), int(r["p"])) for r in rows]

        return await self._get("yearly", status, load)

    async def year_totals(self, f: CubeFilter) -> dict[int, Totals]:
        async def make() -> dict[int, Totals]:
            return _year_totals(await self.yearly_rows(f.status), f.level, f.root, f.kecamatan)

        return await self._get("years", (f.status, f.level, f.root, f.kecamatan), make, _YEAR_LIMIT)

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
                # As the yearly table: floor(base * factor / 100) per achievement, 0 without a table row.
                out[5].append(n * (base.get(level, 0) * factor.get(r[2], 0) // 100))
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
    a date range cuts through it. Any committed write anywhere moves the stamp (PostgreSQL: the deferred
    `change_stamp` trigger; SQLite: `PRAGMA data_version`), and the next request starts afresh. Never used
    inside a transaction (its own uncommitted writes are not in the stamp) nor without a readable stamp.
    """

    def __init__(self) -> None:
        self._stamp: Any = None
        self._source: tuple | None = None
        self._generation: _Generation | None = None
        self._warned = False

    async def generation(self) -> _Generation | None:
        from service.change_stamp import ChangeStamp

        conn = connections.get("default")
        if isinstance(conn, TransactionalDBClient):
            return None
        source = (conn.capabilities.dialect, getattr(conn, "filename", None), getattr(conn, "host", None),
                  getattr(conn, "port", None), getattr(conn, "database", None))
        if source != self._source:
            self._stamp, self._source, self._generation = ChangeStamp(), source, None
        try:
            stamp = await self._stamp.read()
        except Exception:  # noqa: BLE001 - without a stamp the tables answer, never a failed request
            if not self._warned:
                log.warning("change stamp unreadable (run `juara migrate`); stats read the tables", exc_info=True)
                self._warned = True
            return None
        if stamp is None:
            return None
        if self._generation is None or self._generation.stamp != stamp:
            self._generation = _Generation(stamp)
        return self._generation

    def clear(self) -> None:
        self._generation = None


CUBE = AggregateMemory()


# --- the points tables ------------------------------------------------------------------------------

@dataclass
class PointsTable:
    levels: list[tuple[AchievementLevel, int]]
    ranks: list[tuple[AchievementRank, int]]


async def points_table(connection: Any = None) -> PointsTable:
    base = {AchievementLevel(r.level): r.base for r in await PointsLevel.all().using_db(connection)}
    factor = {AchievementRank(r.rank): r.factor for r in await PointsRank.all().using_db(connection)}
    return PointsTable(
        levels=[(lv, base.get(lv, 0)) for lv in LEVEL_ORDER],
        ranks=[(rk, factor.get(rk, 0)) for rk in RANK_ORDER],
    )


def points_of(table: PointsTable, level: AchievementLevel, rank: AchievementRank) -> int:
    return dict(table.levels)[level] * dict(table.ranks)[rank] // 100


def _plain_table(table: PointsTable) -> dict[str, dict[str, int]]:
    return {
        "levels": {lv.value: b for lv, b in table.levels},
        "ranks": {rk.value: f for rk, f in table.ranks},
    }


async def update_points_table(
    actor: Actor,
    level_items: list[tuple[AchievementLevel, int]] | None,
    rank_items: list[tuple[AchievementRank, int]] | None,
) -> PointsTable:
    """Change bases and/or factors (ADMIN); what is not given stays. Applies to all stats from then on."""
    if not actor.is_admin:
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


async def _bump(conn: Any, table: str, cols: str, conflict: str, key: tuple, delta: int) -> None:
    values = [_date_param(v) if isinstance(v, dt.date) else v for v in key]
    marks = ", ".join("?" for _ in range(len(values) + 1))
    await conn.execute_query(sql(
        f"INSERT INTO {table} ({cols}, count) VALUES ({marks}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET count = {table}.count + excluded.count"
    ), values + [delta])
    if delta < 0:
        # Empty cells are dropped so that the tables stay as small as the data.
        names = [c.strip() for c in conflict.split(",")]
        all_cols = [c.strip() for c in cols.split(",")]
        where = " AND ".join(f"{c} = ?" for c in names)
        await conn.execute_query(sql(f"DELETE FROM {table} WHERE {where} AND count <= 0"),
                                 [values[all_cols.index(c)] for c in names])


async def achievement_changed(new: Any, old: Any | None, conn: Any = None) -> None:
    """Move one achievement between aggregate cells; called inside the transaction of the change."""
    conn = conn or connections.get("default")
    new_keys = _keys(new) if new is not None else None
    old_keys = _keys(old) if old is not None else None
    if new_keys == old_keys:
        return
    if old_keys is not None:
        await _bump(conn, DAILY, _DAILY_COLS, _DAILY_KEY, old_keys[0], -1)
        await _bump(conn, BY_INSTITUTION, _INST_COLS, _INST_KEY, old_keys[1], -1)
        await _bump_yearly(conn, old_keys[0], -1)
    if new_keys is not None:
        await _bump(conn, DAILY, _DAILY_COLS, _DAILY_KEY, new_keys[0], 1)
        await _bump(conn, BY_INSTITUTION, _INST_COLS, _INST_KEY, new_keys[1], 1)
        await _bump_yearly(conn, new_keys[0], 1)


async def _bump_yearly(conn: Any, daily_key: tuple, delta: int) -> None:
    """Count and points (with the tables in force) of one achievement into or out of its yearly cell."""
    _, year, _, status, level, rank, _, root, kec, _, _ = daily_key
    await conn.execute_query(sql(
        f"INSERT INTO {YEARLY} (year, status, level, category_root_id, kecamatan_id, count, points) "
        "SELECT ?, ?, ?, ?, ?, ?, ? * COALESCE((pl.base * pr.factor) / 100, 0) "
        "FROM (SELECT 1 AS one) x LEFT JOIN points_level pl ON pl.level = ? LEFT JOIN points_rank pr ON pr.rank = ? "
        "WHERE x.one = 1 "
        "ON CONFLICT (year, status, level, category_root_id, kecamatan_id) DO UPDATE SET "
        f"count = {YEARLY}.count + excluded.count, points = {YEARLY}.points + excluded.points"
    ), [year, status, level, root, kec, delta, delta, level, rank])
    if delta < 0:
        await conn.execute_query(sql(
            f"DELETE FROM {YEARLY} WHERE year = ? AND status = ? AND level = ? AND category_root_id = ? "
            "AND kecamatan_id = ? AND count <= 0"
        ), [year, status, level, root, kec])


async def _rebuild_yearly(conn: Any) -> None:
    await conn.execute_query(f"DELETE FROM {YEARLY}")
    await conn.execute_query(
        f"INSERT INTO {YEARLY} (year, status, level, category_root_id, kecamatan_id, count, points) "
        "SELECT d.year, d.status, d.level, d.category_root_id, d.kecamatan_id, SUM(d.count), "
        "SUM(d.count * COALESCE((pl.base * pr.factor) / 100, 0)) "
        f"FROM {DAILY} d LEFT JOIN points_level pl ON pl.level = d.level LEFT JOIN points_rank pr ON pr.rank = d.rank "
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
        "SUM(COALESCE((pl.base * pr.factor) / 100, 0)) FROM achievement a "
        "LEFT JOIN points_level pl ON pl.level = a.level LEFT JOIN points_rank pr ON pr.rank = a.rank "
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
