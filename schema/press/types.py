"""GraphQL types of press releases."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.ids import encode_id
from schema.node import Node
from service.enums import PressReleaseStatus, QuoteRequestStatus
from service.models import PressRelease, PressReleaseRevision, QuoteRequest

if TYPE_CHECKING:
    from schema.accounts.types import UserType
    from schema.achievements.types import AchievementType

# strawberry.enum registers the GraphQL enum on the domain enum and returns that same class.
PressReleaseStatusEnum = PressReleaseStatus
strawberry.enum(PressReleaseStatusEnum, name="PressReleaseStatus")
QuoteRequestStatusEnum = QuoteRequestStatus
strawberry.enum(QuoteRequestStatusEnum, name="QuoteRequestStatus")


@strawberry.type(name="QuoteRequest", description="A link sent to an institution's head or humas to type a quote "
                 "for a draft; the quote lands in the release as a new revision.")
class QuoteRequestType(Node):
    id: strawberry.ID
    recipient_name: str
    recipient_position: str
    status: QuoteRequestStatusEnum
    expires_at: dt.datetime
    answered_at: dt.datetime | None
    url: str | None = strawberry.field(
        default=None, description="The link to send; only in the requestQuote answer, null when read later."
    )
    _row: strawberry.Private[QuoteRequest]

    @classmethod
    def from_row(cls, row: QuoteRequest, url: str | None = None) -> QuoteRequestType:
        from service.press.quotes import effective_status

        return cls(
            id=strawberry.ID(encode_id("QuoteRequest", row.id)), recipient_name=row.recipient_name,
            recipient_position=row.recipient_position, status=effective_status(row), expires_at=row.expires_at,
            answered_at=row.answered_at, url=url, _row=row,
        )

    @strawberry.field
    async def press_release(self, info: strawberry.Info) -> Annotated[PressReleaseType, strawberry.lazy(
            "schema.press.types")]:
        from service.press import visible_releases

        row = await visible_releases(info.context.actor).filter(id=self._row.press_release_id).first()
        assert row is not None  # a request is only shown to staff, who see every release
        return PressReleaseType.from_row(row)


@strawberry.enum(name="PressReleaseFormat")
class PressReleaseFormat(Enum):
    MARKDOWN = "MARKDOWN"
    HTML = "HTML"
    TEXT = "TEXT"


@strawberry.type(
    name="PressReleaseRevision",
    description="A text the release had before an edit replaced it: its version, and who replaced it when.",
)
class PressReleaseRevisionType:
    version: int = strawberry.field(description="The version this text had.")
    title: str
    created_at: dt.datetime = strawberry.field(description="When the edit that replaced this text was saved.")
    _row: strawberry.Private[PressReleaseRevision]

    @strawberry.field
    def body(self, format: PressReleaseFormat | None = PressReleaseFormat.MARKDOWN) -> str:  # noqa: A002 - contract name
        from service.press import render_body

        # The contract declares the argument nullable; an explicit null means the default.
        return render_body(self._row.body, (format or PressReleaseFormat.MARKDOWN).value, self._row.title)

    @strawberry.field(description="The editor who saved the edit that replaced this text.")
    async def editor(self, info: strawberry.Info) -> Annotated[UserType, strawberry.lazy("schema.accounts.types")] | None:
        from schema.accounts.types import UserType

        editor_id = self._row.editor_id
        if editor_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(editor_id)
        return UserType.from_row(row) if row else None


@strawberry.type(name="PressRelease", description="A news article drafted from achievements for the IKP editors.")
class PressReleaseType(Node):
    id: strawberry.ID
    title: str
    status: PressReleaseStatusEnum
    version: int
    template: str
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    needs_review_reason: str | None = strawberry.field(
        description="Set when the achievement was corrected or its verification withdrawn after drafting."
    )
    _row: strawberry.Private[PressRelease]

    @classmethod
    def from_row(cls, row: PressRelease) -> PressReleaseType:
        return cls(
            id=strawberry.ID(encode_id("PressRelease", row.id)),
            title=row.title,
            status=row.status,
            version=row.version,
            template=row.template,
            created_at=row.created_at,
            updated_at=row.updated_at,
            published_at=row.published_at,
            needs_review_reason=row.needs_review_reason,
            _row=row,
        )

    @strawberry.field
    def body(self, format: PressReleaseFormat | None = PressReleaseFormat.MARKDOWN) -> str:  # noqa: A002 - contract name
        from service.press import render_body

        # The contract declares the argument nullable; an explicit null means the default.
        return render_body(self._row.body, (format or PressReleaseFormat.MARKDOWN).value, self._row.title)

    @strawberry.field(description="Earlier texts, newest first; staff only (others get an empty list).")
    async def revisions(self, info: strawberry.Info) -> list[PressReleaseRevisionType]:
        actor = info.context.actor
        if actor is None or not actor.can_see_everything:
            return []
        rows = await info.context.loaders.revisions_by_press_release_id.load(self._row.id)
        return [PressReleaseRevisionType(version=r.version, title=r.title, created_at=r.created_at, _row=r) for r in rows]

    @strawberry.field(description="Quote requests sent for this release, newest first; staff only "
                      "(others get an empty list).")
    async def quote_requests(self, info: strawberry.Info) -> list[QuoteRequestType]:
        actor = info.context.actor
        if actor is None or not actor.can_see_everything:
            return []
        rows = await info.context.loaders.quote_requests_by_press_release_id.load(self._row.id)
        return [QuoteRequestType.from_row(r) for r in rows]

    @strawberry.field(description="Null for a roundup covering several achievements.")
    async def achievement(
        self, info: strawberry.Info
    ) -> Annotated[AchievementType, strawberry.lazy("schema.achievements.types")] | None:
        from schema.achievements.types import AchievementType

        aid = self._row.achievement_id
        if aid is None:
            return None
        row = await info.context.loaders.visible_achievement_by_id.load(aid)
        return AchievementType.from_row(row) if row else None
