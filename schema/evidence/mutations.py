"""Evidence mutations: upload a certificate scan or photo, remove a piece of evidence."""

from __future__ import annotations

import strawberry

from schema.achievements.types import AchievementType, EvidenceType
from schema.errors import UserError, run_mutation
from schema.evidence.inputs import UploadEvidenceInput
from schema.ids import decode_id
from schema.permissions import GATE
from service import evidence as service
from service.errors import UserErrorCode, UserInputError
from service.models import Achievement


@strawberry.type
class UploadEvidencePayload:
    evidence: EvidenceType | None
    achievement: AchievementType | None
    errors: list[UserError]


@strawberry.type
class RemoveEvidencePayload:
    removed_evidence_id: strawberry.ID | None
    achievement: AchievementType | None
    errors: list[UserError]


@strawberry.type
class EvidenceMutations:
    @strawberry.mutation(
        permission_classes=GATE,
        description="Attach a file (multipart request) while the achievement is editable.",
    )
    async def upload_evidence(self, info: strawberry.Info, input: UploadEvidenceInput) -> UploadEvidencePayload:  # noqa: A002
        async def call():
            upload = input.file
            if not hasattr(upload, "read"):
                raise UserInputError.one("file", UserErrorCode.REQUIRED, "Pilih berkas bukti yang akan diunggah.")
            row = await service.upload_evidence(
                info.context.actor, decode_id(input.achievement_id, "Achievement", "achievementId"),
                upload, getattr(upload, "filename", None), input.description,
            )
            return row, await Achievement.get(id=row.achievement_id)

        result, errors = await run_mutation(info, call)
        if result is None:
            return UploadEvidencePayload(evidence=None, achievement=None, errors=errors)
        row, achievement = result
        return UploadEvidencePayload(
            evidence=EvidenceType.from_row(row), achievement=AchievementType.from_row(achievement), errors=[]
        )

    @strawberry.mutation(permission_classes=GATE, description="Remove a file or URL while the achievement is editable.")
    async def remove_evidence(self, info: strawberry.Info, id: strawberry.ID) -> RemoveEvidencePayload:  # noqa: A002
        async def call():
            return await service.remove_evidence(info.context.actor, decode_id(id, "Evidence", "id"))

        achievement, errors = await run_mutation(info, call)
        if achievement is None:
            return RemoveEvidencePayload(removed_evidence_id=None, achievement=None, errors=errors)
        return RemoveEvidencePayload(
            removed_evidence_id=id, achievement=AchievementType.from_row(achievement), errors=[]
        )
