"""Reading import jobs: one by its id (while polling), and the caller's latest."""

from __future__ import annotations

import strawberry

from schema.ids import decode_any
from schema.imports.types import ImportJobType
from schema.permissions import GATE
from service.imports import jobs


@strawberry.type
class ImportQueries:
    @strawberry.field(permission_classes=GATE,
                      description="An import job by its id; null when absent or not the caller's (administrators "
                                  "see every job).")
    async def import_job(self, info: strawberry.Info, id: strawberry.ID) -> ImportJobType | None:  # noqa: A002
        decoded = decode_any(id)
        if decoded is None or decoded[0] != "ImportJob":
            return None
        job = await jobs.get_job(info.context.actor, decoded[1])
        return ImportJobType.from_row(job) if job else None

    @strawberry.field(permission_classes=GATE, description="The caller's own import jobs, newest first (at most 50).")
    async def my_import_jobs(self, info: strawberry.Info, first: int = 10) -> list[ImportJobType]:
        return [ImportJobType.from_row(job) for job in await jobs.my_jobs(info.context.actor, first)]
