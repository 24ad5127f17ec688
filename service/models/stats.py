"""Aggregate counts of achievements kept current with every workflow change, so dashboards never scan rows."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

# kecamatan_id / desa_id use 0 for "none" (regency-wide, no desa): NULLs would defeat the unique key
# that the ON CONFLICT upsert relies on, on both SQLite and PostgreSQL.
NONE_ID = 0


class AchievementStatDaily(Model):
    """Number of achievements per day and per every dimension the dashboard filters or groups on."""

    id = fields.IntField(primary_key=True)
    date = fields.DateField()
    year = fields.SmallIntField()
    month = fields.SmallIntField()
    status = fields.CharField(max_length=12)
    level = fields.CharField(max_length=16)
    rank = fields.CharField(max_length=20)
    category_id = fields.IntField()
    category_root_id = fields.IntField()
    kecamatan_id = fields.IntField()
    desa_id = fields.IntField()
    institution_kind = fields.CharField(max_length=24)
    count = fields.IntField(default=0)

    class Meta:
        table = "achievement_stat_daily"
        unique_together = (
            ("date", "status", "level", "rank", "category_id", "kecamatan_id", "desa_id", "institution_kind"),
        )
        indexes = (
            Index(fields=("status", "year", "kecamatan_id", "level", "rank")),
            Index(fields=("status", "kecamatan_id", "desa_id")),
        )


class AchievementStatInstitution(Model):
    """Number of achievements per institution, day and the dimensions a ranking of institutions filters on."""

    id = fields.IntField(primary_key=True)
    institution_id = fields.IntField()
    date = fields.DateField()
    year = fields.SmallIntField()
    status = fields.CharField(max_length=12)
    level = fields.CharField(max_length=16)
    rank = fields.CharField(max_length=20)
    category_id = fields.IntField()
    category_root_id = fields.IntField()
    kecamatan_id = fields.IntField()
    count = fields.IntField(default=0)

    class Meta:
        table = "achievement_stat_institution"
        unique_together = (("institution_id", "date", "status", "level", "rank", "category_id", "kecamatan_id"),)
        indexes = (Index(fields=("status", "year", "institution_id")),)


class AchievementStatYearly(Model):
    """Count and points per year, status, level, top-level category and kecamatan.

    The main breakdowns of the dashboard read this small table. Points are stored (computed with the points
    tables in force) so that rank need not be a dimension; changing the tables recomputes them from the
    daily table."""

    id = fields.IntField(primary_key=True)
    year = fields.SmallIntField()
    status = fields.CharField(max_length=12)
    level = fields.CharField(max_length=16)
    category_root_id = fields.IntField()
    kecamatan_id = fields.IntField()
    count = fields.IntField(default=0)
    points = fields.BigIntField(default=0)

    class Meta:
        table = "achievement_stat_yearly"
        unique_together = (("year", "status", "level", "category_root_id", "kecamatan_id"),)
        indexes = (Index(fields=("status", "year")),)
