from tortoise import migrations
from tortoise.migrations import operations as ops
from service.enums import ConsentGiver, PersonRole
from tortoise import fields


async def move_consent_and_roles(apps, schema_editor):
    """NIK encrypted (service/nik.py); roles from the institution's kind (SISWA for a school's persons, WARGA otherwise); a consent already
    given becomes SELF for adults and GUARDIAN for minors, recorded when the person was registered."""
    from service.persons import default_consent_giver, is_minor_on

    client = schema_editor.client
    pg = client.capabilities.dialect == "postgres"

    def q(query: str) -> str:
        if not pg:
            return query
        parts = query.split("?")
        return "".join(p + (f"${i + 1}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))

    await client.execute_query(
        "UPDATE person SET role = CASE WHEN institution_id IN "
        "(SELECT id FROM institution WHERE kind = 'SEKOLAH') THEN 'SISWA' ELSE 'WARGA' END"
    )
    rows = await client.execute_query_dict(
        q("SELECT id, birth_date, role FROM person WHERE publication_consent = ?"), [True]
    )
    import datetime as dt

    givers: dict[str, list[int]] = {}
    for row in rows:
        birth = row["birth_date"]
        if isinstance(birth, str):
            birth = dt.date.fromisoformat(birth[:10])
        minor = is_minor_on(birth, row["role"], _today())
        givers.setdefault(default_consent_giver(minor).value, []).append(row["id"])
    # NIK: encrypted under the key in force, with its lookup hash; the plain column is then dropped.
    from service.nik import nik_columns

    plain = await client.execute_query_dict("SELECT id, nik FROM person WHERE nik IS NOT NULL AND nik <> ''")
    for row in plain:
        cols = nik_columns(row["nik"])
        await client.execute_query(
            q("UPDATE person SET nik_encrypted = ?, nik_hash = ? WHERE id = ?"),
            [cols["nik_encrypted"], cols["nik_hash"], row["id"]],
        )
    for giver, ids in givers.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            await client.execute_query(
                q(f"UPDATE person SET consent_given_by = ?, consent_recorded_at = created_at WHERE id IN ({marks})"),
                [giver, *chunk],
            )


class RemovePlainNik(ops.RemoveField):
    """SQLite: the plain column dropped in place. Tortoise remakes the table to drop a column there, and dropping
    the old `person` table fails while achievements' links reference its rows (foreign keys are enforced)."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor is not None and state_editor.client.capabilities.dialect == "sqlite":
            await state_editor.client.execute_script('ALTER TABLE "person" DROP COLUMN "nik"')
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)


def _today():
    from service.text import today_wib

    return today_wib()


class Migration(migrations.Migration):
    dependencies = [('models', '0005_achievement_person_person')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Person',
            name='consent_given_by',
            field=fields.CharEnumField(null=True, description='SELF: SELF\nGUARDIAN: GUARDIAN', enum_type=ConsentGiver, max_length=8),
        ),
        ops.AddField(
            model_name='Person',
            name='consent_recorded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Person',
            name='erased_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Person',
            name='nik_encrypted',
            field=fields.CharField(null=True, max_length=120),
        ),
        ops.AddField(
            model_name='Person',
            name='nik_hash',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
        ops.AddField(
            model_name='Person',
            name='role',
            field=fields.CharEnumField(default=PersonRole.WARGA, description='SISWA: SISWA\nMAHASISWA: MAHASISWA\nGURU: GURU\nPEGAWAI: PEGAWAI\nATLET: ATLET\nWARGA: WARGA\nLAINNYA: LAINNYA', db_default=PersonRole.WARGA, enum_type=PersonRole, max_length=12),
        ),
        ops.RunPython(move_consent_and_roles, ops.RunPython.noop),
        RemovePlainNik(model_name='Person', name='nik'),
    ]
