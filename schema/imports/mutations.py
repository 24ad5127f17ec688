"""The import mutation: a spreadsheet of achievements becomes DRAFTs of one institution, all or nothing."""

from __future__ import annotations

import strawberry

from schema.errors import UserError, run_mutation
from schema.ids import decode_id
from schema.imports.inputs import ImportAchievementsInput
from schema.imports.types import ImportJobType, ImportReportType, row_errors
from schema.permissions import GATE
from service import imports as service
from service.errors import UserErrorCode, UserInputError
from service.imports import jobs
from service.models import ImportBatch


@strawberry.type
class ImportAchievementsPayload:
    report: ImportReportType | None = strawberry.field(
        description="Per-row results; present whenever the file could be read, also when rows have problems."
    )
    errors: list[UserError]


@strawberry.type
class ImportJobPayload:
    job: ImportJobType | None = strawberry.field(description="The job (QUEUED); null when the file was refused.")
    errors: list[UserError]


@strawberry.type
class ImportMutations:
    @strawberry.mutation(
        permission_classes=GATE,
        description="Import the filled template (multipart request). dryRun (default) checks without writing.",
    )
    async def import_achievements(
        self, info: strawberry.Info, input: ImportAchievementsInput  # noqa: A002
    ) -> ImportAchievementsPayload:
        async def call():
            upload = input.file
            if not hasattr(upload, "read"):
                raise UserInputError.one("file", UserErrorCode.REQUIRED, "Pilih berkas yang akan diimpor.")
            return await service.import_upload(
                info.context.actor, upload.read, getattr(upload, "filename", None),
                decode_id(input.institution_id, "Institution", "institutionId"), input.dry_run is not False,
            )

        report, errors = await run_mutation(info, call)
        if report is None:
            return ImportAchievementsPayload(report=None, errors=errors)
        batch = await ImportBatch.filter(id=report.batch_id).first() if report.batch_id else None
        return ImportAchievementsPayload(report=ImportReportType.from_report(report, batch), errors=row_errors(report))

    @strawberry.mutation(
        permission_classes=GATE,
        description="Import the filled template in the background (multipart request): answers at once with the "
                    "job; poll importJob(id) for its progress and report. dryRun (default) checks without writing.",
    )
    async def start_import_job(
        self, info: strawberry.Info, input: ImportAchievementsInput  # noqa: A002
    ) -> ImportJobPayload:
        async def call():
            upload = input.file
            if not hasattr(upload, "read"):
                raise UserInputError.one("file", UserErrorCode.REQUIRED, "Pilih berkas yang akan diimpor.")
            return await jobs.start_import_job(
                info.context.actor, upload.read, getattr(upload, "filename", None),
                decode_id(input.institution_id, "Institution", "institutionId"), input.dry_run is not False,
            )

        job, errors = await run_mutation(info, call)
        return ImportJobPayload(job=ImportJobType.from_row(job) if job else None, errors=errors)
