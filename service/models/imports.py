"""Spreadsheet imports (one row per imported file) and the duplicate hints found between achievements."""

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from service.enums import ImportJobStatus

if TYPE_CHECKING:
    from service.models.accounts import User
    from service.models.achievements import Achievement
    from service.models.institutions import Institution


# A committed spreadsheet import; the SHA-256 of the file refuses the same file a second time.
class ImportBatch(Model):
    id = fields.IntField(primary_key=True)
    sha256 = fields.CharField(max_length=64, unique=True)
    file_name = fields.CharField(max_length=255)
    institution: fields.ForeignKeyRelation["Institution"] = fields.ForeignKeyField("models.Institution", related_name="import_batches", on_delete=fields.RESTRICT)
    institution_id: int
    row_count = fields.IntField(default=0)
    created_count = fields.IntField(default=0)
    persons_created = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="import_batches", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "import_batch"
        ordering = ["-id"]


# Two achievements that look like the same win: `achievement` is the newer entry, `original` the older.
class DuplicateHint(Model):
    id = fields.IntField(primary_key=True)
    achievement: fields.ForeignKeyRelation["Achievement"] = fields.ForeignKeyField(
        "models.Achievement", related_name="duplicate_hints", on_delete=fields.CASCADE
    )
    achievement_id: int
    original: fields.ForeignKeyRelation["Achievement"] = fields.ForeignKeyField(
        "models.Achievement", related_name="duplicated_by_hints", on_delete=fields.CASCADE
    )
    original_id: int
    reason = fields.CharField(max_length=24)
    score = fields.SmallIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "duplicate_hint"
        unique_together = (("achievement", "original", "reason"),)
        indexes = (Index(fields=("original_id",)),)


# A spreadsheet import run in the background: its progress while it runs, its report once DONE.
class ImportJob(Model):
    id = fields.IntField(primary_key=True)
    owner: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="import_jobs", on_delete=fields.CASCADE
    )
    owner_id: int
    institution: fields.ForeignKeyRelation["Institution"] = fields.ForeignKeyField(
        "models.Institution", related_name="import_jobs", on_delete=fields.CASCADE
    )
    institution_id: int
    file_name = fields.CharField(max_length=255)
    sha256 = fields.CharField(max_length=64)
    dry_run = fields.BooleanField(default=True)
    status = fields.CharEnumField(ImportJobStatus, max_length=12, default=ImportJobStatus.QUEUED)
    processed_rows = fields.IntField(default=0)
    total_rows = fields.IntField(null=True)
    # The ImportReport (service/imports/jobs.py report_to_json) once DONE.
    report: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    error = fields.TextField(null=True)
    # "host:pid:token" of the process that runs (or queued) the job; a job whose process is gone is FAILED.
    runner = fields.CharField(max_length=120)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    finished_at = fields.DatetimeField(null=True)
    heartbeat_at = fields.DatetimeField(null=True)

    class Meta:
        table = "import_job"
        ordering = ["-id"]
        indexes = (Index(fields=("owner_id", "created_at")), Index(fields=("status",)))
