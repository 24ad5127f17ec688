"""Migration 0006 on a copy of the demo data set written with the schema before it: roles from the
institution's kind, existing consent as SELF for adults and GUARDIAN for minors."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest

from service import db as dbmod
from service.persons import is_minor_on
from service.text import today_wib
from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database

BACKENDS = ["sqlite"] + (["postgres"] if BACKEND == "postgres" else [])
BEFORE = "models.0005_achievement_person_person"
OLD_PERSON_COLUMNS = (
    "id", "name", "institution_id", "kecamatan_id", "desa_id", "publication_consent", "nik", "birth_date",
    "phone", "created_at",
)


async def _seed_pre_migration_demo(conn) -> tuple[dict[int, str], list[tuple]]:
    """The demo planner's institutions and persons, inserted with the columns the old schema has."""
    from service import demo
    from service.models import Desa, Kecamatan

    rng = random.Random(demo.DEFAULT_SEED if hasattr(demo, "DEFAULT_SEED") else 2026)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    kecamatan = await Kecamatan.all().order_by("code")
    desa = await Desa.all().order_by("code")
    kec_index = {k.id: int(k.code.rsplit(".", 1)[1]) for k in kecamatan}
    plan = demo._plan_institutions(rng, kecamatan, desa, demo._Ids(1))
    demo._plan_persons(rng, plan, demo._Ids(1), kec_index, now.date(), now)
    writer = demo._Writer(conn, dbmod.dialect())
    from service.models import Institution

    await writer.insert(Institution, demo.INSTITUTION_COLUMNS, [
        (i.id, i.name, i.kind.value, i.kecamatan_id, i.desa_id, i.parent.id if i.parent else None, i.path, now)
        for i in plan.institutions
    ])
    # The planner's rows carry the encrypted NIK; the old schema held the digits.
    old_rows = [(*row[:6], demo_nik(row), *row[8:11]) for row in plan.persons]
    marks = ", ".join("?" for _ in OLD_PERSON_COLUMNS)
    await conn.execute_many(
        dbmod.sql(f"INSERT INTO person ({', '.join(OLD_PERSON_COLUMNS)}) VALUES ({marks})"),  # noqa: S608
        [list(r) for r in old_rows],
    )
    return {i.id: i.kind.value for i in plan.institutions}, old_rows


async def _link_an_achievement(conn, person: tuple) -> None:
    """One achievement of the person's institution with its link: a row that references `person`, so that a
    migration rebuilding that table under enforced foreign keys fails."""
    category = (await conn.execute_query_dict("SELECT id FROM category ORDER BY id LIMIT 1"))[0]["id"]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    values = [1, "Juara 1 Lomba Uji", "Lomba Uji", "Panitia", "KABUPATEN", 3, "JUARA_1", category, category,
              dt.date(2025, 5, 2), "PERSON", person[2], "SEKOLAH", "VERIFIED", now, now, 1]
    columns = ("id, title, event_name, organizer, level, level_order, rank, category_id, category_root_id, date, "
               "achiever_kind, institution_id, institution_kind, status, created_at, updated_at, version")
    if dbmod.dialect() == "sqlite":
        values = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    marks = ", ".join("?" for _ in values)
    await conn.execute_query(dbmod.sql(f"INSERT INTO achievement ({columns}) VALUES ({marks})"), values)  # noqa: S608
    await conn.execute_query(dbmod.sql("INSERT INTO achievement_person (achievement_id, person_id) VALUES (?, ?)"),
                             [1, person[0]])


def demo_nik(row: tuple) -> str | None:
    from service.nik import decrypt

    return decrypt(row[6]) if row[6] else None


@pytest.mark.parametrize("backend", BACKENDS)
async def test_migration_moves_consent_and_roles_of_the_demo_data(db, tmp_path, backend):
    from tortoise import Tortoise, connections
    from tortoise.migrations.api import migrate

    from service.nik import decrypt, nik_hash

    dropped = None
    if backend == "postgres":
        url, name = await _create_pg_database(os.environ["TEST_DATABASE_URL"])
        dropped = (os.environ["TEST_DATABASE_URL"], name)
    else:
        url = f"sqlite://{tmp_path / 'demo-copy.sqlite3'}"
    try:
        await dbmod.close_db()
        await migrate(config=dbmod.tortoise_config(url), target=BEFORE)
        await Tortoise.init(config=dbmod.tortoise_config(url), _enable_global_fallback=True)
        await dbmod.load_reference_data()
        conn = connections.get("default")
        kinds, old_rows = await _seed_pre_migration_demo(conn)
        assert len(old_rows) > 1000
        await _link_an_achievement(conn, old_rows[0])
        await dbmod.close_db()

        await dbmod.run_migrations(url)
        conn = connections.get("default")
        rows = await conn.execute_query_dict(
            "SELECT id, institution_id, publication_consent, birth_date, role, consent_given_by, "
            "consent_recorded_at, created_at, name, nik_encrypted, nik_hash FROM person ORDER BY id"
        )
        assert len(rows) == len(old_rows)
        today = today_wib()  # the day the migration judges ages by: Purbalingga's (WIB)
        seen = {"SISWA": 0, "WARGA": 0, "SELF": 0, "GUARDIAN": 0}
        for row, old in zip(rows, old_rows, strict=True):
            assert row["id"] == old[0] and row["name"] == old[1]
            if old[6]:
                assert decrypt(row["nik_encrypted"]) == old[6] and row["nik_hash"] == nik_hash(old[6])
                assert old[6] not in row["nik_encrypted"]
                seen["NIK"] = seen.get("NIK", 0) + 1
            else:
                assert row["nik_encrypted"] is None
            expected_role = "SISWA" if kinds[row["institution_id"]] == "SEKOLAH" else "WARGA"
            assert row["role"] == expected_role
            seen[expected_role] += 1
            birth = row["birth_date"]
            if isinstance(birth, str):
                birth = dt.date.fromisoformat(birth)
            if bool(row["publication_consent"]):
                minor = is_minor_on(birth, expected_role, today)
                assert row["consent_given_by"] == ("GUARDIAN" if minor else "SELF"), row
                assert row["consent_recorded_at"] is not None
                seen[row["consent_given_by"]] += 1
            else:
                assert row["consent_given_by"] is None and row["consent_recorded_at"] is None
        assert all(seen.values()) and seen.get("NIK"), seen  # every case occurs in the demo data
        columns = {c["name"] for c in await conn.execute_query_dict(
            "SELECT * FROM person LIMIT 1") for c in [{"name": k} for k in c]}
        assert "nik" not in columns
        # The persons table was changed in place: the achievement's link to its person survived.
        links = await conn.execute_query_dict("SELECT achievement_id, person_id FROM achievement_person")
        assert [(r["achievement_id"], r["person_id"]) for r in links] == [(1, old_rows[0][0])]
    finally:
        await dbmod.close_db()
        await dbmod.init_db(db)
        if dropped:
            await _drop_pg_database(*dropped)
