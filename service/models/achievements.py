"""Achievements, their categories, evidence, and the points tables."""

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


class Category(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True)
    name = fields.CharField(max_length=120)
    parent = fields.ForeignKeyField("models.Category", related_name="children", null=True, on_delete=fields.RESTRICT)
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
    category = fields.ForeignKeyField("models.Category", related_name="achievements", on_delete=fields.RESTRICT)
    # The top-level category, kept with the row so that roll-ups are a plain GROUP BY.
    category_root = fields.ForeignKeyField(
        "models.Category", related_name="rooted_achievements", on_delete=fields.RESTRICT
    )
    date = fields.DateField()
    location = fields.CharField(max_length=300, null=True)
    description = fields.TextField(null=True)
    achiever_kind = fields.CharEnumField(AchieverKind, max_length=12, default=AchieverKind.INSTITUTION)
    institution = fields.ForeignKeyField("models.Institution", related_name="achievements", on_delete=fields.RESTRICT)
    # Copied from the institution so that dashboards group without a join.
    institution_kind = fields.CharEnumField(InstitutionKind, max_length=24)
    kecamatan = fields.ForeignKeyField(
        "models.Kecamatan", related_name="achievements", null=True, on_delete=fields.RESTRICT
    )
    desa = fields.ForeignKeyField("models.Desa", related_name="achievements", null=True, on_delete=fields.RESTRICT)
    status = fields.CharEnumField(AchievementStatus, max_length=12, default=AchievementStatus.DRAFT)
    rejection_reason = fields.TextField(null=True)
    submitted_at = fields.DatetimeField(null=True)
    verified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    created_by = fields.ForeignKeyField(
        "models.User", related_name="achievements_created", null=True, on_delete=fields.SET_NULL
    )
    # Increases on every change; workflow steps are conditional updates on it.
    version = fields.IntField(default=1)

    class Meta:
        table = "achievement"
        indexes = (
            Index(fields=("status", "date")),
            Index(fields=("status", "kecamatan_id")),
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
    achievement = fields.ForeignKeyField("models.Achievement", related_name="person_links", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("models.Person", related_name="achievement_links", on_delete=fields.RESTRICT)

    class Meta:
        table = "achievement_person"
        unique_together = (("achievement", "person"),)
        # A person's achievements (the duplicate scan, a person's page): the unique pair leads with the achievement.
        indexes = (Index(fields=("person_id",)),)


class Evidence(Model):
    id = fields.IntField(primary_key=True)
    achievement = fields.ForeignKeyField("models.Achievement", related_name="evidence", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(EvidenceKind, max_length=8)
    url = fields.CharField(max_length=2000, null=True)
    file_name = fields.CharField(max_length=255, null=True)
    content_type = fields.CharField(max_length=100, null=True)
    size = fields.BigIntField(null=True)
    sha256 = fields.CharField(max_length=64, null=True, db_index=True)
    storage_key = fields.CharField(max_length=100, null=True)
    description = fields.CharField(max_length=500, null=True)
    uploaded_by = fields.ForeignKeyField("models.User", related_name="evidence", null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "evidence"
        ordering = ["id"]


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
