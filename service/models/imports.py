"""Spreadsheet imports (one row per imported file) and the duplicate hints found between achievements."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

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
