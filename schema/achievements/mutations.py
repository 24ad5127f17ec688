"""Achievement mutations: entering, editing and the verification workflow."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.achievements.inputs import AchievementInput, AchievementUpdateInput
from schema.achievements.types import AchievementType
from schema.errors import UserError, run_mutation
from schema.ids import decode_id, decode_ids
from schema.permissions import GATE
from service import achievements as service
from service import duplicate_hints
from service.enums import AchievementLevel, AchievementRank


@strawberry.type
class AchievementPayload:
    achievement: AchievementType | None
    errors: list[UserError]


_COLUMNS = {
    "title": "title", "event_name": "event_name", "organizer": "organizer", "level": "level", "rank": "rank",
    "rank_label": "rank_label", "date": "date", "location": "location", "description": "description",
    "evidence_urls": "evidence_urls",
}
_IDS = {
    "category_id": ("Category", "categoryId"), "institution_id": ("Institution", "institutionId"),
    "kecamatan_id": ("Kecamatan", "kecamatanId"), "desa_id": ("Desa", "desaId"),
}


def to_data(src: AchievementInput | AchievementUpdateInput, partial: bool) -> service.AchievementData:
    data = service.AchievementData()
    for attr in [*_COLUMNS, *_IDS, "person_ids"]:
        value = getattr(src, attr)
        if value is strawberry.UNSET:
            continue
        data.present.add(attr)
        if attr in _IDS:
            value = decode_id(value, *_IDS[attr])
        elif attr == "person_ids":
            value = decode_ids(value, "Person", "personIds")
        elif attr == "level" and value is not None:
            value = AchievementLevel(value)
        elif attr == "rank" and value is not None:
            value = AchievementRank(value)
        setattr(data, attr, value)
    return data


def _payload(row, errors) -> AchievementPayload:
    return AchievementPayload(achievement=AchievementType.from_row(row) if row else None, errors=errors)


@strawberry.type
class AchievementMutations:
    @strawberry.mutation(permission_classes=GATE, description="Enter an achievement; it starts as DRAFT.")
    async def create_achievement(self, info: strawberry.Info, input: AchievementInput) -> AchievementPayload:  # noqa: A002
        return _payload(*await run_mutation(
            info, lambda: service.create_achievement(info.context.actor, to_data(input, False))
        ))

    @strawberry.mutation(permission_classes=GATE, description="Edit while DRAFT or REJECTED (ADMIN: any state).")
    async def update_achievement(
        self, info: strawberry.Info, id: strawberry.ID, input: AchievementUpdateInput  # noqa: A002
    ) -> AchievementPayload:
        async def call():
            return await service.update_achievement(
                info.context.actor, decode_id(id, "Achievement", "id"), to_data(input, True)
            )

        return _payload(*await run_mutation(info, call))

    @strawberry.mutation(permission_classes=GATE, description="DRAFT/REJECTED → SUBMITTED; needs evidence.")
    async def submit_achievement(self, info: strawberry.Info, id: strawberry.ID) -> AchievementPayload:  # noqa: A002
        async def call():
            return await service.submit_achievement(info.context.actor, decode_id(id, "Achievement", "id"))

        return _payload(*await run_mutation(info, call))

    @strawberry.mutation(permission_classes=GATE, description="SUBMITTED → VERIFIED; a DRAFT press release is generated.")
    async def verify_achievement(self, info: strawberry.Info, id: strawberry.ID) -> AchievementPayload:  # noqa: A002
        async def call():
            return await service.verify_achievement(info.context.actor, decode_id(id, "Achievement", "id"))

        return _payload(*await run_mutation(info, call))

    @strawberry.mutation(permission_classes=GATE, description="SUBMITTED → REJECTED, with a reason.")
    async def reject_achievement(
        self, info: strawberry.Info, id: strawberry.ID, reason: str,  # noqa: A002
        duplicate_of: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The original this entry duplicates; the reason then points to it."),
        ] = None,
    ) -> AchievementPayload:
        async def call():
            pk = decode_id(id, "Achievement", "id")
            text = reason
            if duplicate_of is not None:
                text = await duplicate_hints.duplicate_rejection_reason(
                    info.context.actor, pk, decode_id(duplicate_of, "Achievement", "duplicateOf"), reason
                )
            return await service.reject_achievement(info.context.actor, pk, text)

        return _payload(*await run_mutation(info, call))

    @strawberry.mutation(permission_classes=GATE, description="VERIFIED → REJECTED with a reason; its releases are flagged.")
    async def withdraw_verification(
        self, info: strawberry.Info, id: strawberry.ID, reason: str  # noqa: A002
    ) -> AchievementPayload:
        async def call():
            return await service.withdraw_verification(info.context.actor, decode_id(id, "Achievement", "id"), reason)

        return _payload(*await run_mutation(info, call))
