"""GraphQL types of the spreadsheet import: the report, per-row results and problems, the batch."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from schema.achievements.types import AchievementType
from schema.errors import UserError, UserErrorCode
from schema.ids import encode_id
from schema.node import Node
from service.enums import ImportJobStatus
from service.imports import ImportReport, RowProblem
from service.models import ImportBatch, ImportJob

# strawberry.enum registers the GraphQL enum on the domain enum and returns that same class.
ImportJobStatusEnum = ImportJobStatus
strawberry.enum(ImportJobStatusEnum, name="ImportJobStatus",
                description="QUEUED → CHECKING → WRITING (imports only) → DONE, or FAILED with a message.")


@strawberry.enum
class ImportRowStatus(Enum):
    VALID = "VALID"
    CREATED = "CREATED"
    INVALID = "INVALID"


@strawberry.type(description="What is wrong with one cell (or row) of the spreadsheet.")
class ImportProblem:
    row: int = strawberry.field(description="Row number in the spreadsheet (the header is row 1).")
    column: str | None = strawberry.field(description="Column header as in the template, e.g. 'Tingkat'.")
    field: str | None
    code: UserErrorCode
    message: str = strawberry.field(description="'Baris 7, kolom Tingkat: …' in Bahasa Indonesia.")

    @classmethod
    def from_problem(cls, p: RowProblem) -> ImportProblem:
        return cls(row=p.row, column=p.column, field=p.field, code=p.code, message=p.message)


@strawberry.type(description="The outcome of one spreadsheet row.")
class ImportRow:
    row: int
    status: ImportRowStatus
    problems: list[ImportProblem]
    _achievement_id: strawberry.Private[int | None]

    @strawberry.field(description="The DRAFT achievement created from the row; null in a dry run or on errors.")
    async def achievement(self, info: strawberry.Info) -> AchievementType | None:
        if self._achievement_id is None:
            return None
        row = await info.context.loaders.achievement_by_id.load(self._achievement_id)
        return AchievementType.from_row(row) if row else None


@strawberry.type(name="ImportBatch", description="A committed import; the same file cannot be imported again.")
class ImportBatchType:
    id: strawberry.ID
    file_name: str
    sha256: str
    row_count: int
    created_count: int
    persons_created: int
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: ImportBatch) -> ImportBatchType:
        return cls(
            id=strawberry.ID(encode_id("ImportBatch", row.id)), file_name=row.file_name, sha256=row.sha256,
            row_count=row.row_count, created_count=row.created_count, persons_created=row.persons_created,
            created_at=row.created_at,
        )


@strawberry.type(name="ImportReport", description="Every row checked; all written (committed) or none.")
class ImportReportType:
    file_name: str
    sha256: str
    dry_run: bool
    committed: bool
    total_rows: int
    valid_rows: int
    created_count: int
    persons_created: int = strawberry.field(description="New persons (to be) registered in the institution.")
    duplicate_hints: int = strawberry.field(description="Likely duplicates found for the verifier.")
    problem_count: int = strawberry.field(description="All problems; `problems` lists the first 1000.")
    problems: list[ImportProblem]
    rows: list[ImportRow]
    batch: ImportBatchType | None

    @classmethod
    def from_report(cls, report: ImportReport, batch: ImportBatch | None) -> ImportReportType:
        by_row: dict[int, list[ImportProblem]] = {}
        for p in report.problems:
            by_row.setdefault(p.row, []).append(ImportProblem.from_problem(p))
        rows: list[ImportRow] = []
        created = list(report.achievement_ids)
        for i, number in enumerate(report.row_numbers):
            aid = created[i] if i < len(created) else None
            status = ImportRowStatus.CREATED if aid is not None else ImportRowStatus.VALID
            rows.append(ImportRow(row=number, status=status, problems=[], _achievement_id=aid))
        rows += [ImportRow(row=n, status=ImportRowStatus.INVALID, problems=ps, _achievement_id=None)
                 for n, ps in by_row.items()]
        rows.sort(key=lambda r: r.row)
        return cls(
            file_name=report.file_name, sha256=report.sha256, dry_run=report.dry_run, committed=report.committed,
            total_rows=report.total_rows, valid_rows=report.valid_rows, created_count=report.created_count,
            persons_created=report.persons_created, duplicate_hints=report.duplicate_hints,
            problem_count=report.problem_count, problems=[ImportProblem.from_problem(p) for p in report.problems],
            rows=rows, batch=ImportBatchType.from_row(batch) if batch else None,
        )


def row_errors(report: ImportReport) -> list[UserError]:
    """Row problems as payload errors (field `file`), so that a client showing `errors` shows them all."""
    out = [UserError(field="file", code=p.code, message=p.message) for p in report.problems]
    if report.problem_count > len(report.problems):
        out.append(UserError(
            field="file", code=UserErrorCode.INVALID,
            message=f"Dan {report.problem_count - len(report.problems)} masalah lain; perbaiki yang di atas lalu periksa ulang.",
        ))
    return out


@strawberry.type(name="ImportJob", description="An import checked and written in the background (startImportJob); "
                 "poll it until DONE (the report) or FAILED (the message). Seen by its owner and administrators.")
class ImportJobType(Node):
    id: strawberry.ID
    file_name: str
    dry_run: bool
    status: ImportJobStatusEnum
    processed_rows: int = strawberry.field(description="Rows checked (CHECKING) or written (WRITING) so far.")
    total_rows: int | None = strawberry.field(description="Rows of the file, once known (a CSV: after the check).")
    percent: int | None = strawberry.field(description="0–100; null while the number of rows is not known.")
    message: str = strawberry.field(description="Where the job stands, or why it FAILED, in Bahasa Indonesia.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    _row: strawberry.Private[ImportJob]

    @classmethod
    def from_row(cls, row: ImportJob) -> ImportJobType:
        from service.imports import jobs

        return cls(
            id=strawberry.ID(encode_id("ImportJob", row.id)), file_name=row.file_name, dry_run=row.dry_run,
            status=row.status, processed_rows=row.processed_rows, total_rows=row.total_rows,
            percent=jobs.job_percent(row), message=jobs.job_message(row), created_at=row.created_at,
            finished_at=row.finished_at, _row=row,
        )

    @strawberry.field(description="The report once DONE (rows with problems: committed false, nothing written).")
    async def report(self) -> ImportReportType | None:
        from service.imports import jobs

        report = jobs.job_report(self._row)
        if report is None:
            return None
        batch = await ImportBatch.filter(id=report.batch_id).first() if report.batch_id else None
        return ImportReportType.from_report(report, batch)
