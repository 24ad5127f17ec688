"""GraphQL inputs of achievements."""

import datetime as dt
from enum import Enum

import strawberry

from schema.achievements.types import (
    AchievementLevelEnum,
    AchievementRankEnum,
    AchievementStatusEnum,
    AchieverKindEnum,
)


@strawberry.enum
class AchievementOrderField(Enum):
    DATE = "DATE"
    CREATED_AT = "CREATED_AT"
    LEVEL = "LEVEL"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input
class AchievementOrder:
    field: AchievementOrderField
    direction: OrderDirection


@strawberry.input
class AchievementFilter:
    status: AchievementStatusEnum | None = strawberry.UNSET
    level: AchievementLevelEnum | None = strawberry.UNSET
    rank: AchievementRankEnum | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Includes its sub-categories.")
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    desa_id: strawberry.ID | None = strawberry.UNSET
    institution_id: strawberry.ID | None = strawberry.UNSET
    achiever_kind: AchieverKindEnum | None = strawberry.UNSET
    date_from: dt.date | None = strawberry.UNSET
    date_to: dt.date | None = strawberry.UNSET
    search: str | None = strawberry.field(
        default=strawberry.UNSET, description="Matches title, event, organizer, institution and person names."
    )


@strawberry.input
class AchievementInput:
    title: str
    event_name: str
    organizer: str
    level: AchievementLevelEnum
    rank: AchievementRankEnum
    category_id: strawberry.ID
    date: dt.date
    institution_id: strawberry.ID
    rank_label: str | None = strawberry.UNSET
    location: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    person_ids: list[strawberry.ID] | None = strawberry.UNSET
    kecamatan_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Defaults to the institution's.")
    desa_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Defaults to the institution's.")
    evidence_urls: list[str] | None = strawberry.UNSET


@strawberry.input(description="Every field is optional; only the fields given change.")
class AchievementUpdateInput:
    title: str | None = strawberry.UNSET
    event_name: str | None = strawberry.UNSET
    organizer: str | None = strawberry.UNSET
    level: AchievementLevelEnum | None = strawberry.UNSET
    rank: AchievementRankEnum | None = strawberry.UNSET
    rank_label: str | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.UNSET
    date: dt.date | None = strawberry.UNSET
    location: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    institution_id: strawberry.ID | None = strawberry.UNSET
    person_ids: list[strawberry.ID] | None = strawberry.UNSET
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    desa_id: strawberry.ID | None = strawberry.UNSET
    evidence_urls: list[str] | None = strawberry.UNSET
