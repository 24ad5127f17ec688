"""GraphQL inputs of the points tables."""

import strawberry

from schema.achievements.types import AchievementLevelEnum, AchievementRankEnum


@strawberry.input
class LevelPointsInput:
    level: AchievementLevelEnum
    base: int


@strawberry.input
class RankPointsInput:
    rank: AchievementRankEnum
    factor: int


@strawberry.input(description="Only the levels and ranks given change.")
class PointsTableInput:
    levels: list[LevelPointsInput] | None = None
    ranks: list[RankPointsInput] | None = None
