"""Achievements, their categories, evidence, and the points tables."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from service.enums import (
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    EvidenceKind,
    InstitutionKind,
)

if TYPE_CHECKING:
    from service.models.accounts import User
    from service.models.institutions import Institution, Person
    from service.models.regions import Desa, Kecamatan


class Category(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True)
    name = fields.CharField(max_length=120)
    parent: fields.ForeignKeyNullableRelation["Category"] = fields.ForeignKeyField("models.Category", related_name="children", null=True, on_delete=fields.RESTRICT)
    parent_id: int | None
    sort_order = fields.IntField(default=0)

    class Meta:
        table = "category"
        ordering = ["sort_order", "name"]


class Achievement(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=300)
    event_name = fields.CharField(max_length=300)
    organizer = fields.CharField(max_length=300)
    level = fields.CharEnumField(AchievementLevel, max_length=16)
    # Position of the level in enum order, so that ordering by level is a plain ORDER BY.
    level_order = fields.SmallIntField(default=0)
    rank = fields.CharEnumField(AchievementRank, max_length=20)
    rank_label = fields.CharField(max_length=200, null=True)
    category: fields.ForeignKeyRelation["Category"] = fields.ForeignKeyField("models.Category", related_name="achievements", on_delete=fields.RESTRICT)
    category_id: int
    # The top-level category, kept with the row so that roll-ups are a plain GROUP BY.
    category_root: fields.ForeignKeyRelation["Category"] = fields.ForeignKeyField(
        "models.Category", related_name="rooted_achievements", on_delete=fields.RESTRICT
    )
    category_root_id: int
    date = fields.DateField()
    location = fields.CharField(max_length=300, null=True)
    description = fields.TextField(null=True)
    achiever_kind = fields.CharEnumField(AchieverKind, max_length=12, default=AchieverKind.INSTITUTION)
    institution: fields.ForeignKeyRelation["Institution"] = fields.ForeignKeyField("models.Institution", related_name="achievements", on_delete=fields.RESTRICT)
    institution_id: int
    # Copied from the institution so that dashboards group without a join.
    institution_kind = fields.CharEnumField(InstitutionKind, max_length=24)
    kecamatan: fields.ForeignKeyNullableRelation["Kecamatan"] = fields.ForeignKeyField(
        "models.Kecamatan", related_name="achievements", null=True, on_delete=fields.RESTRICT
    )
    kecamatan_id: int | None
    desa: fields.ForeignKeyNullableRelation["Desa"] = fields.ForeignKeyField("models.Desa", related_name="achievements", null=True, on_delete=fields.RESTRICT)
    desa_id: int | None
    status = fields.CharEnumField(AchievementStatus, max_length=12, default=AchievementStatus.DRAFT)
    rejection_reason = fields.TextField(null=True)
    submitted_at = fields.DatetimeField(null=True)
    verified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    created_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="achievements_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    # Increases on every change; workflow steps are conditional updates on it.
    version = fields.IntField(default=1)

    class Meta:
        table = "achievement"
        indexes = (
            Index(fields=("status", "date", "id")),
            Index(fields=("status", "kecamatan_id")),
            Index(fields=("kecamatan_id", "status", "date")),
            Index(fields=("status", "level")),
            Index(fields=("status", "rank")),
            Index(fields=("status", "category_root_id")),
            Index(fields=("category_id",)),
            Index(fields=("institution_id", "status")),
            Index(fields=("desa_id",)),
            Index(fields=("date",)),
            Index(fields=("created_at",)),
            Index(fields=("level_order", "id")),
        )


class AchievementPerson(Model):
    """The persons of an achievement (explicit so that bulk inserts and joins can use it)."""

    id = fields.IntField(primary_key=True)
    achievement: fields.ForeignKeyRelation["Achievement"] = fields.ForeignKeyField("models.Achievement", related_name="person_links", on_delete=fields.CASCADE)
    achievement_id: int
    person: fields.ForeignKeyRelation["Person"] = fields.ForeignKeyField("models.Person", related_name="achievement_links", on_delete=fields.RESTRICT)
    person_id: int

    class Meta:
        table = "achievement_person"
        unique_together = (("achievement", "person"),)
        # A person's achievements (the duplicate scan, a person's page): the unique pair leads with the achievement.
        indexes = (Index(fields=("person_id",)),)


class Evidence(Model):
    id = fields.IntField(primary_key=True)
    achievement: fields.ForeignKeyRelation["Achievement"] = fields.ForeignKeyField("models.Achievement", related_name="evidence", on_delete=fields.CASCADE)
    achievement_id: int
    kind = fields.CharEnumField(EvidenceKind, max_length=8)
    url = fields.CharField(max_length=2000, null=True)
    file_name = fields.CharField(max_length=255, null=True)
    content_type = fields.CharField(max_length=100, null=True)
    size = fields.BigIntField(null=True)
    sha256 = fields.CharField(max_length=64, null=True, db_index=True)
    storage_key = fields.CharField(max_length=100, null=True)
    description = fields.CharField(max_length=500, null=True)
    uploaded_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField("models.User", related_name="evidence", null=True, on_delete=fields.SET_NULL)
    uploaded_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "evidence"
        ordering = ["id"]
        indexes = (Index(fields=("achievement_id",)),)


class PointsLevel(Model):
    level = fields.CharEnumField(AchievementLevel, max_length=16, primary_key=True)
    base = fields.IntField()

    class Meta:
        table = "points_level"


class PointsRank(Model):
    rank = fields.CharEnumField(AchievementRank, max_length=20, primary_key=True)
    factor = fields.IntField()

    class Meta:
        table = "points_rank"
