"""GraphQL inputs of press releases."""

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
