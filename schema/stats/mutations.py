"""Mutations of the points tables."""

from __future__ import annotations

import strawberry

from schema.errors import UserError, run_mutation
from schema.permissions import GATE
from schema.stats.inputs import PointsTableInput
from schema.stats.types import PointsTable
from service import stats as service
from service.enums import AchievementLevel, AchievementRank


@strawberry.type
class PointsTablePayload:
    points_table: PointsTable | None
    errors: list[UserError]


def _value(v):
    return v.value if hasattr(v, "value") else v


@strawberry.type
class StatsMutations:
    @strawberry.mutation(permission_classes=GATE, description="ADMIN; audited; applies to all stats from then on.")
    async def update_points_table(self, info: strawberry.Info, input: PointsTableInput) -> PointsTablePayload:  # noqa: A002
        levels = None if input.levels is None else [
            (AchievementLevel(_value(x.level)), x.base) for x in input.levels
        ]
        ranks = None if input.ranks is None else [(AchievementRank(_value(x.rank)), x.factor) for x in input.ranks]
        table, errors = await run_mutation(
            info, lambda: service.update_points_table(info.context.actor, levels, ranks)
        )
        return PointsTablePayload(points_table=PointsTable.of(table) if table else None, errors=errors)
