"""Reading statistics: the filter and scope, breakdowns by kecamatan, level, rank, category, year, month, desa and institution."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from service.directory import category_with_descendants
from service.enums import (
    LEVEL_ORDER,
    RANK_ORDER,
    AchievementLevel,
    AchievementStatus,
    InstitutionKind,
)
from service.errors import Forbidden, Problems, UserErrorCode
from service.labels import LEVEL_LABEL, RANK_LABEL
from service.models import Category, Desa, Kecamatan
from service.models.stats import NONE_ID
from service.security import Actor
from service.stats.memory import CUBE, CubeFilter, _Generation
from service.stats.tables import (
    _POINTS_JOIN,
    _SUMS,
    _YEARLY_COLUMNS,
    BY_INSTITUTION,
    DAILY,
    KIND_LABEL,
    MAX_TOP,
    MONTH_LABEL,
    YEARLY,
    _date_param,
    _query,
)

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
    if status != AchievementStatus.VERIFIED and not (actor is not None and actor.can_see_everything):
        raise Forbidden("Statistik selain prestasi terverifikasi hanya untuk admin, verifikator dan editor.")
    return status


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


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2200:
        problems = Problems()
        problems.add("year", UserErrorCode.INVALID, "Tahun tidak masuk akal; tulis tahun empat angka, misalnya 2025.")
        problems.raise_if_any()


async def build_scope(actor: Actor | None, flt: StatsFilter | None) -> Scope:
    f = flt or StatsFilter()
    status = effective_status(actor, f.status)
    clauses = ["s.status = ?"]
    params: list[Any] = [status.value]
    yearly = f.date_from is None and f.date_to is None
    root: int | None = None
    in_cube = True
    if f.year is not None:
        _check_year(f.year)
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
        if category is not None and category.parent_id is None:
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
                scope.generation = await CUBE.generation(scope.cube.status)
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
    _check_year(year)  # the year column is a SMALLINT on PostgreSQL: a year past it was a database error
    counts = await _grouped(Scope(scope.clauses + ["s.year = ?"], scope.params + [year], False), "month")
    return [
        Bucket(f"{year}-{m:02d}", f"{MONTH_LABEL[m - 1]} {year}", *counts.get(m, (0, 0))) for m in range(1, 13)
    ]


async def by_desa(scope: Scope, kecamatan_id: int) -> list[DesaRow]:
    """Every desa/kelurahan of one kecamatan in code order, zeros included."""
    counts = await _grouped(Scope(scope.clauses + ["s.kecamatan_id = ?"], scope.params + [kecamatan_id], False),
                            "desa_id")
    desa_ids = cast(list[int],  # Tortoise types values_list(flat=True) as tuples
                    await Desa.filter(kecamatan_id=kecamatan_id).order_by("code").values_list("id", flat=True))
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




