"""GraphQL inputs of press releases."""

import datetime as dt

import strawberry

from schema.press.types import PressReleaseStatusEnum


@strawberry.input
class PressReleaseFilter:
    status: PressReleaseStatusEnum | None = None
    achievement_id: strawberry.ID | None = None


@strawberry.input
class PressReleaseInput:
    title: str | None = None
    body: str | None = strawberry.field(default=None, description="Markdown.")
    acknowledge_review: bool | None = strawberry.field(
        default=None,
        description="True once the release was checked against the corrected achievement: clears needsReviewReason.",
    )


@strawberry.input(description="Which verified achievements a roundup covers: a window, optionally one kecamatan or category.")
class RoundupInput:
    date_from: dt.date
    date_to: dt.date
    kecamatan_id: strawberry.ID | None = None
    category_id: strawberry.ID | None = strawberry.field(default=None, description="A category includes its children.")
    variant: int | None = strawberry.field(default=None, description="1–3; by default chosen from the filter.")
