"""The aggregate tables, their SQL helpers and the points tables: the one home of the points formula."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise import connections

from service.db import dialect, sql
from service.enums import (
    LEVEL_ORDER,
    RANK_ORDER,
    AchievementLevel,
    AchievementRank,
    InstitutionKind,
)
from service.models import PointsLevel, PointsRank

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





def _date_param(value: dt.date) -> Any:
    return value.isoformat() if dialect() == "sqlite" else value






# --- the points formula: its one home ----------------------------------------------------------------
# An achievement is worth base(level) times factor(rank) hundredths, rounded down; 0 when the level or the
# rank has no row in the points tables, and it is counted either way. `points()` is the rule in Python,
# `POINTS_EACH` with `points_join()` the same rule in SQL (the JOINs stay LEFT: an inner one would drop the
# achievement's count along with its points).

def points(base: int | None, factor: int | None) -> int:
    """Points of one achievement from its base and factor (None: no row in the table, 0 points)."""
    if base is None or factor is None:
        return 0
    return base * factor // 100


POINTS_EACH = "COALESCE((pl.base * pr.factor) / 100, 0)"


def points_join(level: str, rank: str) -> str:
    """The LEFT JOINs that give `POINTS_EACH` its `pl` and `pr` for the level and rank expressions given."""
    return f" LEFT JOIN points_level pl ON pl.level = {level} LEFT JOIN points_rank pr ON pr.rank = {rank}"


# Count and points of aggregate rows `s` (each row counts `s.count` achievements).
_POINTS_JOIN = points_join("s.level", "s.rank")
_SUMS = f"SUM(s.count) AS n, SUM(s.count * {POINTS_EACH}) AS p"


async def _query(query: str, params: list[Any]) -> list[dict]:
    conn = connections.get("default")
    return list(await conn.execute_query_dict(sql(query), params))


_YEARLY_COLUMNS = {"kecamatan_id": int, "level": str, "category_root_id": int, "year": int}



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


def _plain_table(table: PointsTable) -> dict[str, dict[str, int]]:
    return {
        "levels": {lv.value: b for lv, b in table.levels},
        "ranks": {rk.value: f for rk, f in table.ranks},
    }




