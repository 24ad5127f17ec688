"""Institutions (schools, village governments, offices) and the persons who achieve."""

from tortoise import fields
from tortoise.models import Model

from service.enums import ConsentGiver, InstitutionKind, PersonRole


class Institution(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, db_index=True)
    kind = fields.CharEnumField(InstitutionKind, max_length=24, db_index=True)
    kecamatan = fields.ForeignKeyField(
        "models.Kecamatan", related_name="institutions", null=True, on_delete=fields.RESTRICT
    )
    desa = fields.ForeignKeyField("models.Desa", related_name="institutions", null=True, on_delete=fields.RESTRICT)
    parent = fields.ForeignKeyField(
        "models.Institution", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    # Materialised path "/1/7/42/" of ids from the root: subtree checks are a prefix match.
    path = fields.CharField(max_length=255, db_index=True, default="/")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "institution"
        ordering = ["name", "id"]


class Person(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, db_index=True)
    institution = fields.ForeignKeyField(
        "models.Institution", related_name="persons", null=True, on_delete=fields.RESTRICT
    )
    kecamatan = fields.ForeignKeyField("models.Kecamatan", related_name="persons", null=True, on_delete=fields.RESTRICT)
    desa = fields.ForeignKeyField("models.Desa", related_name="persons", null=True, on_delete=fields.RESTRICT)
    # db_default: existing rows get a value when the column is added (migration 0006 then sets each).
    role = fields.CharEnumField(PersonRole, max_length=12, default=PersonRole.WARGA, db_default=PersonRole.WARGA)
    publication_consent = fields.BooleanField(default=False)
    # Who agreed and when (null while publication_consent is false); a minor needs GUARDIAN.
    consent_given_by = fields.CharEnumField(ConsentGiver, max_length=8, null=True)
    consent_recorded_at = fields.DatetimeField(null=True)
    # Personal data (UU 27/2022): never exposed to the public or to other institutions.
    # NIK as "<key id>:<AES-GCM ciphertext>" and its keyed hash for lookups (service/nik.py): no digits at rest.
    nik_encrypted = fields.CharField(max_length=120, null=True)
    nik_hash = fields.CharField(max_length=64, null=True, db_index=True)
    birth_date = fields.DateField(null=True)
    phone = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Set when the person's data was erased on request: the row stays so that achievements stay counted.
    erased_at = fields.DatetimeField(null=True)

    class Meta:
        table = "person"
        ordering = ["name", "id"]
