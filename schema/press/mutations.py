"""Press-release mutations: generating drafts and roundups, saving edits, moving the status."""

from __future__ import annotations

import strawberry

from schema.errors import UserError, run_mutation
from schema.ids import decode_id, given
from schema.permissions import GATE
from schema.press.inputs import PressReleaseInput, QuoteInput, QuoteRequestInput, RoundupInput
from schema.press.types import PressReleaseStatusEnum, PressReleaseType, QuoteRequestType
from service import press as service
from service.enums import PressReleaseStatus


@strawberry.type
class PressReleasePayload:
    press_release: PressReleaseType | None
    errors: list[UserError]


def _payload(row, errors) -> PressReleasePayload:
    return PressReleasePayload(press_release=PressReleaseType.from_row(row) if row else None, errors=errors)


@strawberry.type
class QuoteRequestPayload:
    quote_request: QuoteRequestType | None
    errors: list[UserError]


@strawberry.type
class SubmitQuotePayload:
    ok: bool
    errors: list[UserError]


@strawberry.type
class PressMutations:
    @strawberry.mutation(
        permission_classes=GATE,
        description="A single-use link (valid 7 days) for the institution's head or humas to type a quote; "
        "`url` is in this answer only.",
    )
    async def request_quote(
        self, info: strawberry.Info, press_release_id: strawberry.ID, input: QuoteRequestInput  # noqa: A002
    ) -> QuoteRequestPayload:
        from service.press import quotes

        async def call():
            return await quotes.request_quote(
                info.context.actor, decode_id(press_release_id, "PressRelease", "pressReleaseId"),
                input.recipient_name, input.recipient_position,
            )

        issued, errors = await run_mutation(info, call)
        if issued is None:
            return QuoteRequestPayload(quote_request=None, errors=errors)
        request = info.context.request
        base = str(request.base_url) if request is not None else ""
        return QuoteRequestPayload(
            quote_request=QuoteRequestType.from_row(issued.request, quotes.quote_url(issued.token, base)),
            errors=errors,
        )

    @strawberry.mutation(
        permission_classes=GATE,
        description="Anyone holding the link: the quote fills the draft's first quote slot as a new revision. "
        "An unknown, used or expired token is NOT_FOUND.",
    )
    async def submit_quote(self, info: strawberry.Info, token: str, input: QuoteInput) -> SubmitQuotePayload:  # noqa: A002
        from service.press import quotes

        async def call():
            return await quotes.submit_quote(token, input.text, input.speaker_name, input.speaker_position)

        row, errors = await run_mutation(info, call)
        return SubmitQuotePayload(ok=row is not None and not errors, errors=errors)

    @strawberry.mutation(
        permission_classes=GATE,
        description="Another draft for a VERIFIED achievement; `template` names a family ('perorangan') "
        "or a family and variant ('perorangan/2').",
    )
    async def generate_press_release(
        self, info: strawberry.Info, achievement_id: strawberry.ID, template: str | None = strawberry.UNSET
    ) -> PressReleasePayload:
        async def call():
            return await service.generate_press_release(
                info.context.actor, decode_id(achievement_id, "Achievement", "achievementId"), given(template)
            )

        return _payload(*await run_mutation(info, call))

    @strawberry.mutation(
        permission_classes=GATE,
        description="Save an edit; a stale expectedVersion is VERSION_CONFLICT. The replaced text is kept as a revision.",
    )
    async def update_press_release(
        self, info: strawberry.Info, id: strawberry.ID, expected_version: int, input: PressReleaseInput  # noqa: A002
    ) -> PressReleasePayload:
        async def call():
            edit = service.ReleaseEdit(
                title=given(input.title), body=given(input.body), acknowledge_review=bool(given(input.acknowledge_review))
            )
            return await service.update_press_release(
                info.context.actor, decode_id(id, "PressRelease", "id"), expected_version, edit
            )

        return _payload(*await run_mutation(info, call))

    @strawberry.mutation(
        permission_classes=GATE,
        description="DRAFT ⇄ IN_REVIEW, DRAFT/IN_REVIEW → PUBLISHED (not while [[ … ]] remains), "
        "PUBLISHED → ARCHIVED, ARCHIVED → DRAFT.",
    )
    async def set_press_release_status(
        self, info: strawberry.Info, id: strawberry.ID, status: PressReleaseStatusEnum  # noqa: A002
    ) -> PressReleasePayload:
        async def call():
            return await service.set_press_release_status(
                info.context.actor, decode_id(id, "PressRelease", "id"), PressReleaseStatus(status)
            )

        return _payload(*await run_mutation(info, call))

    @strawberry.mutation(
        permission_classes=GATE,
        description="One DRAFT release covering the verified achievements of a window; its achievement is null.",
    )
    async def generate_roundup(self, info: strawberry.Info, input: RoundupInput) -> PressReleasePayload:  # noqa: A002
        async def call():
            flt = service.RoundupFilter(
                date_from=input.date_from,
                date_to=input.date_to,
                kecamatan_id=decode_id(input.kecamatan_id, "Kecamatan", "kecamatanId"),
                category_id=decode_id(input.category_id, "Category", "categoryId"),
            )
            return await service.generate_roundup(info.context.actor, flt, given(input.variant))

        return _payload(*await run_mutation(info, call))
