"""GraphQL types of dashboard statistics and the points tables."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.achievements.types import AchievementLevelEnum, AchievementRankEnum, AchievementStatusEnum
from schema.directory.types import InstitutionType, load_institution
from schema.ids import decode_id, given
from schema.regions.types import DesaType, KecamatanType, load_desa
from service import stats as service
from service.labels import LEVEL_LABEL, RANK_LABEL
from service.models import Kecamatan


@strawberry.type(description="One group of achievements: its key, an Indonesian label, how many and their points.")
class CountBucket:
    key: str
    label: str
    count: int
    points: int = strawberry.field(description="Sum of the points of the achievements counted.")

    @classmethod
    def of(cls, b: service.Bucket) -> CountBucket:
        return cls(key=b.key, label=b.label, count=b.count, points=b.points)


@strawberry.type(description="Achievements of one kecamatan; kecamatan null = regency-wide institutions.")
class KecamatanCount:
    count: int
    points: int = strawberry.field(description="Sum of the points of the achievements counted.")
    # Resolved when the row is made (the 18 kecamatan are read once per process): no resolver per row.
    kecamatan: KecamatanType | None

    @classmethod
    def of(cls, r: service.KecamatanRow, kecamatan: dict[int, Kecamatan]) -> KecamatanCount:
        row = None if r.kecamatan_id is None else KecamatanType.from_row(kecamatan[r.kecamatan_id])
        return cls(count=r.count, points=r.points, kecamatan=row)


@strawberry.type(description="Achievements of one desa or kelurahan.")
class DesaCount:
    count: int
    points: int
    _desa_id: strawberry.Private[int]

    @strawberry.field
    async def desa(self, info: strawberry.Info) -> DesaType:
        desa = await load_desa(info, self._desa_id)
        if desa is None:  # listed from the desa table itself: gone only if deleted meanwhile
            raise LookupError(f"desa {self._desa_id} not found")
        return desa


@strawberry.type(description="An institution in the ranking by points.")
class InstitutionScore:
    position: int = strawberry.field(description="1 for the institution with the most points.")
    count: int
    points: int
    _institution_id: strawberry.Private[int]

    @strawberry.field
    async def institution(self, info: strawberry.Info) -> InstitutionType:
        institution = await load_institution(info, self._institution_id)
        if institution is None:  # institutions are never deleted (RESTRICT)
            raise LookupError(f"institution {self._institution_id} not found")
        return institution


@strawberry.input(description="All given filters combine. Without status, VERIFIED achievements are counted.")
class StatsFilter:
    year: int | None = strawberry.UNSET
    date_from: dt.date | None = strawberry.UNSET
    date_to: dt.date | None = strawberry.UNSET
    level: AchievementLevelEnum | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Includes its sub-categories.")
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    status: AchievementStatusEnum | None = strawberry.field(
        default=strawberry.UNSET,
        description="ADMIN, VERIFIER and EDITOR only; anyone else asking for a status other than VERIFIED "
        "gets FORBIDDEN.",
    )

    def to_service(self) -> service.StatsFilter:
        from service.enums import AchievementLevel, AchievementStatus

        return service.StatsFilter(
            year=given(self.year),
            date_from=given(self.date_from),
            date_to=given(self.date_to),
            level=AchievementLevel(self.level.value if hasattr(self.level, "value") else self.level)
            if self.level else None,
            category_id=decode_id(self.category_id, "Category", "categoryId"),
            kecamatan_id=decode_id(self.kecamatan_id, "Kecamatan", "kecamatanId"),
            status=AchievementStatus(self.status.value if hasattr(self.status, "value") else self.status)
            if self.status else None,
        )


@strawberry.type(description="Counts and points of achievements, each breakdown computed when asked for.")
class Stats:
    _scope: strawberry.Private[service.Scope]

    @strawberry.field
    async def total(self) -> int:
        return await service.total(self._scope)

    @strawberry.field(description="All 18 kecamatan in code order (zeros included), then the regency-wide row.")
    async def by_kecamatan(self) -> list[KecamatanCount]:
        rows = await service.by_kecamatan(self._scope)
        kecamatan = await service.kecamatan_by_id()
        return [KecamatanCount.of(r, kecamatan) for r in rows]

    @strawberry.field(description="Every level, zeros included, in enum order.")
    async def by_level(self) -> list[CountBucket]:
        return [CountBucket.of(b) for b in await service.by_level(self._scope)]

    @strawberry.field(description="Top-level categories (key = slug); a sub-category counts toward its parent.")
    async def by_category(self) -> list[CountBucket]:
        return [CountBucket.of(b) for b in await service.by_category(self._scope)]

    @strawberry.field(description="Years with achievements, oldest first.")
    async def by_year(self) -> list[CountBucket]:
        return [CountBucket.of(b) for b in await service.by_year(self._scope)]

    @strawberry.field(description="The twelve months of one year (key YYYY-MM), zeros included.")
    async def by_month(self, year: int) -> list[CountBucket]:
        return [CountBucket.of(b) for b in await service.by_month(self._scope, year)]

    @strawberry.field(description="Every rank, zeros included, in enum order.")
    async def by_rank(self) -> list[CountBucket]:
        return [CountBucket.of(b) for b in await service.by_rank(self._scope)]

    @strawberry.field(description="Every kind of institution, zeros included, in enum order.")
    async def by_institution_kind(self) -> list[CountBucket]:
        return [CountBucket.of(b) for b in await service.by_institution_kind(self._scope)]

    @strawberry.field(description="Every desa/kelurahan of one kecamatan in code order, zeros included.")
    async def by_desa(self, kecamatan_id: strawberry.ID) -> list[DesaCount]:
        pk = decode_id(kecamatan_id, "Kecamatan", "kecamatanId")
        return [DesaCount(count=r.count, points=r.points, _desa_id=r.desa_id)
                for r in await service.by_desa(self._scope, pk)]

    @strawberry.field(description="The 18 kecamatan by points (then count, then code).")
    async def top_kecamatan(self) -> list[KecamatanCount]:
        rows = await service.top_kecamatan(self._scope)
        kecamatan = await service.kecamatan_by_id()
        return [KecamatanCount.of(r, kecamatan) for r in rows]

    @strawberry.field(description="Institutions by points (then count); limit 1 to 100.")
    async def top_institutions(self, limit: int = 10) -> list[InstitutionScore]:
        rows = await service.top_institutions(self._scope, limit)
        return [InstitutionScore(position=i, count=r.count, points=r.points, _institution_id=r.institution_id)
                for i, r in enumerate(rows, start=1)]


@strawberry.type(description="Base points of one level.")
class LevelPoints:
    level: AchievementLevelEnum
    label: str
    base: int


@strawberry.type(description="Factor (percent) of one rank.")
class RankPoints:
    rank: AchievementRankEnum
    label: str
    factor: int


@strawberry.type(description="Points of an achievement = floor(base(level) * factor(rank) / 100).")
class PointsTable:
    levels: list[LevelPoints]
    ranks: list[RankPoints]

    @classmethod
    def of(cls, t: service.PointsTable) -> PointsTable:
        return cls(
            levels=[LevelPoints(level=lv, label=LEVEL_LABEL[lv], base=b) for lv, b in t.levels],
            ranks=[RankPoints(rank=rk, label=RANK_LABEL[rk], factor=f) for rk, f in t.ranks],
        )
