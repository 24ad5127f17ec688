"""Administrative regions: the 18 kecamatan and 239 desa/kelurahan (Kemendagri codes)."""

from tortoise import fields
from tortoise.models import Model


class Kecamatan(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    name = fields.CharField(max_length=100)

    class Meta:
        table = "kecamatan"
        ordering = ["code"]


class Desa(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=100)
    is_kelurahan = fields.BooleanField(default=False)
    kecamatan: fields.ForeignKeyRelation["Kecamatan"] = fields.ForeignKeyField(
        "models.Kecamatan", related_name="desa", on_delete=fields.RESTRICT, db_index=True
    )
    kecamatan_id: int

    class Meta:
        table = "desa"
        ordering = ["code"]
