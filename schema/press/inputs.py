"""GraphQL inputs of press releases."""

import datetime as dt

import strawberry

from schema.press.types import PressReleaseStatusEnum


@strawberry.input
class PressReleaseFilter:
    status: PressReleaseStatusEnum | None = strawberry.UNSET
    achievement_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class PressReleaseInput:
    title: str | None = strawberry.UNSET
    body: str | None = strawberry.field(default=strawberry.UNSET, description="Markdown.")
    acknowledge_review: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="True once the release was checked against the corrected achievement: clears needsReviewReason.",
    )


@strawberry.input(description="Which verified achievements a roundup covers: a window, optionally one kecamatan or category.")
class RoundupInput:
    date_from: dt.date
    date_to: dt.date
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A category includes its children."
    )
    variant: int | None = strawberry.field(default=strawberry.UNSET, description="1–3; by default chosen from the filter.")


@strawberry.input(name="QuoteRequestInput")
class QuoteRequestInput:
    recipient_name: str
    recipient_position: str = strawberry.field(description='e.g. "Kepala SMP Negeri 1 Bobotsari"')


@strawberry.input(name="QuoteInput")
class QuoteInput:
    text: str
    speaker_name: str
    speaker_position: str
