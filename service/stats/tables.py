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






# Points per aggregate row, from the tables in force: floor(base * factor / 100) per achievement.
_POINTS_JOIN = (
    " JOIN points_level pl ON pl.level = s.level JOIN points_rank pr ON pr.rank = s.rank"
)
_SUMS = "SUM(s.count) AS n, SUM(s.count * ((pl.base * pr.factor) / 100)) AS p"


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


def points_of(table: PointsTable, level: AchievementLevel, rank: AchievementRank) -> int:
    return dict(table.levels)[level] * dict(table.ranks)[rank] // 100


def _plain_table(table: PointsTable) -> dict[str, dict[str, int]]:
    return {
        "levels": {lv.value: b for lv, b in table.levels},
        "ranks": {rk.value: f for rk, f in table.ranks},
    }




