"""Queries of dashboard statistics and the points tables."""

import strawberry

from schema.permissions import GATE
from schema.stats.types import PointsTable, Stats, StatsFilter
from service import stats as service


@strawberry.type
class StatsQueries:
    @strawberry.field(permission_classes=GATE)
    async def stats(self, info: strawberry.Info, filter: StatsFilter | None = strawberry.UNSET) -> Stats:  # noqa: A002 - contract name
        flt = filter.to_service() if filter else None
        return Stats(_scope=await service.build_scope(info.context.actor, flt))

    @strawberry.field(permission_classes=GATE, description="The points tables in force.")
    async def points_table(self) -> PointsTable:
        return PointsTable.of(await service.points_table())
