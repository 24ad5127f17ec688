"""Spreadsheet import: the template round trip, all-or-nothing rows, dry runs, scope, files imported twice."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from service import imports
from service.enums import AchievementStatus, Role
from service.models import Achievement, AchievementPerson, AuditEvent, Evidence, ImportBatch, Person
from tests.factories import make_institution, make_person, make_user

CSRF = {"X-Requested-With": "XMLHttpRequest"}

IMPORT = """
mutation($input: ImportAchievementsInput!) {
  importAchievements(input: $input) {
    report {
      dryRun committed totalRows validRows createdCount personsCreated problemCount duplicateHints
      problems { row column field code message }
      rows { row status achievement { title status persons { name } } problems { column code } }
      batch { fileName sha256 createdCount }
    }
    errors { field code message }
  }
}
"""


def row(**overrides):
    base = {
        "Judul Prestasi": "Juara 1 Lomba Pidato Bahasa Jawa",
        "Nama Kegiatan/Lomba": "Festival Tunas Bahasa Ibu 2026",
        "Penyelenggara": "Dindikbud Kabupaten Purbalingga",
        "Tingkat": "Kabupaten",
        "Peringkat": "Juara 1",
        "Sebutan Penghargaan": None,
        "Kategori": "Pendidikan & Akademik › Bahasa dan Literasi",
        "Tanggal": dt.date(2026, 9, 14),
        "Lokasi": "Pendopo Dipokusumo",
        "Keterangan": None,
        "Kecamatan": None,
        "Desa/Kelurahan": None,
        "Nama Peserta": "Rina Kusuma",
        "Izin Publikasi Nama": "Ya",
        "Tautan Bukti": "https://example.org/berita/pidato",
    }
    base.update(overrides)
    return base


def workbook_bytes(rows: list[dict], template: bytes | None = None) -> bytes:
    if template is not None:
        wb = load_workbook(io.BytesIO(template))
        ws = wb["Prestasi"]
        headers = [c.value for c in ws[1]]
    else:
        wb = Workbook()
        ws = wb.active
        headers = [c.header for c in imports.COLUMNS]
        ws.append(headers)
    for r, data in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            ws.cell(row=r, column=c, value=data.get(header))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def post_import(client, login, content: bytes, *, name="prestasi.xlsx", dry_run=True, institution_id=None,
                      headers=None):
    variables = {"input": {"file": None, "dryRun": dry_run}}
    if institution_id is not None:
        variables["input"]["institutionId"] = institution_id
    resp = await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": variables}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (name, content, "application/octet-stream")},
        headers={**login.headers, **(CSRF if headers is None else headers)},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["importAchievements"]


async def _school():
    school = await make_institution("SMP Negeri 1 Bobotsari")
    login = await make_user(Role.CONTRIBUTOR, school)
    return school, login


async def test_template_round_trip_creates_drafts(client):
    school, login = await _school()
    await make_person(school, "Rina Kusuma", consent=False)
    resp = await client.get("/templates/import-prestasi.xlsx")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/vnd.openxmlformats")
    template = resp.content
    wb = load_workbook(io.BytesIO(template))
    assert {"Prestasi", "Petunjuk", "Contoh", "Daftar"} <= set(wb.sheetnames)
    sheet = wb["Prestasi"]
    header_of = {cell.column_letter: cell.value for cell in sheet[1]}
    lists = {
        header_of[str(dv.sqref).split(":")[0].rstrip("0123456789")]: dv.formula1
        for dv in sheet.data_validations.dataValidation if dv.type == "list"
    }
    assert set(lists) == {"Tingkat", "Peringkat", "Kategori", "Kecamatan", "Desa/Kelurahan", "Izin Publikasi Nama",
                          "Peran Peserta", "Persetujuan Dari"}
    levels = [c.value for c in wb["Daftar"]["A"][1:] if c.value]
    assert levels == ["Desa", "Kecamatan", "Kabupaten", "Karesidenan", "Provinsi", "Nasional", "Internasional"]
    assert wb.defined_names["Tingkat"].attr_text == "Daftar!$A$2:$A$8"
    assert wb["Contoh"]["A2"].value  # an example row to copy from

    content = workbook_bytes([
        row(),
        row(**{"Judul Prestasi": "Juara 2 Lomba Desa Tertib Administrasi", "Peringkat": "Juara II",
               "Tingkat": "provinsi", "Kategori": "Tertib Administrasi Desa", "Tanggal": "03/08/2026",
               "Kecamatan": "Bobotsari", "Desa/Kelurahan": "Karangtalun",
               "Nama Peserta": None, "Izin Publikasi Nama": None, "Tautan Bukti": None}),
    ], template)
    result = await post_import(client, login, content, dry_run=False)
    assert result["errors"] == []
    report = result["report"]
    assert report["committed"] is True and report["createdCount"] == 2
    assert [r["status"] for r in report["rows"]] == ["CREATED", "CREATED"]
    assert report["rows"][0]["achievement"]["status"] == "DRAFT"
    assert report["rows"][0]["achievement"]["persons"] == [{"name": "Rina Kusuma"}]
    assert report["batch"]["createdCount"] == 2

    rows = await Achievement.filter(institution_id=school.id).order_by("id")
    assert [a.status for a in rows] == [AchievementStatus.DRAFT, AchievementStatus.DRAFT]
    assert rows[1].level == "PROVINSI" and rows[1].rank == "JUARA_2" and rows[1].date == dt.date(2026, 8, 3)
    assert rows[1].desa_id is not None
    # the existing person is matched, not duplicated
    assert await Person.filter(institution_id=school.id).count() == 1
    assert await AchievementPerson.filter(achievement_id=rows[0].id).count() == 1
    assert await Evidence.filter(achievement_id=rows[0].id, url="https://example.org/berita/pidato").exists()
    events = await AuditEvent.filter(action="achievement.import")
    assert len(events) == 1
    assert sorted(events[0].after["achievement_ids"]) == [a.id for a in rows]
    assert events[0].after["created"] == 2


async def test_one_bad_row_writes_nothing_and_names_row_and_column(client):
    school, login = await _school()
    content = workbook_bytes([row(), row(), row(), row(), row(), row(**{"Tingkat": "Propinsi"}), row()])
    result = await post_import(client, login, content, dry_run=False)
    report = result["report"]
    assert report["committed"] is False and report["createdCount"] == 0
    assert report["problemCount"] == 1
    problem = report["problems"][0]
    assert problem["row"] == 7 and problem["column"] == "Tingkat" and problem["code"] == "INVALID"
    assert problem["message"].startswith("Baris 7, kolom Tingkat: 'Propinsi' tidak dikenal; pilih salah satu dari")
    assert "Provinsi" in problem["message"]
    assert result["errors"][0]["message"] == problem["message"]
    assert result["errors"][0]["field"] == "file"
    invalid = [r for r in report["rows"] if r["status"] == "INVALID"]
    assert [r["row"] for r in invalid] == [7]
    assert await Achievement.all().count() == 0
    assert await Person.all().count() == 0
    assert await ImportBatch.all().count() == 0
    assert not await AuditEvent.filter(action="achievement.import").exists()


async def test_a_bad_row_after_several_batches_writes_nothing(client):
    # More rows than one write batch before the bad one: rows already written (PostgreSQL writes while it
    # checks) are rolled back, and the persons of the good rows are not created either.
    school, login = await _school()
    header = ";".join(c.header for c in imports.COLUMNS)
    lines = [
        f"Juara 3 Lomba Tari Kreasi {i};FLS2N 2026;Dindikbud;Kecamatan;Juara 3;;Tari;12/10/2025;;;;;"
        f"Peserta Nomor {i};Ya;https://example.org/berita/{i}"
        for i in range(imports.BATCH_ROWS * 2 + 200)
    ]
    lines[imports.BATCH_ROWS * 2 + 50] = lines[imports.BATCH_ROWS * 2 + 50].replace(";Kecamatan;", ";Propinsi;")
    content = ("\ufeff" + header + "\n" + "\n".join(lines) + "\n").encode("utf-8")
    result = await post_import(client, login, content, name="prestasi.csv", dry_run=False)
    report = result["report"]
    assert report["committed"] is False and report["createdCount"] == 0 and report["problemCount"] == 1
    assert report["problems"][0]["row"] == imports.BATCH_ROWS * 2 + 52
    assert report["problems"][0]["message"].startswith(f"Baris {imports.BATCH_ROWS * 2 + 52}, kolom Tingkat:")
    assert await Achievement.filter(institution_id=school.id).count() == 0
    assert await Evidence.all().count() == 0
    assert await Person.filter(institution_id=school.id).count() == 0
    assert await ImportBatch.all().count() == 0
    assert not await AuditEvent.filter(action="achievement.import").exists()
    # The corrected file goes in whole.
    lines[imports.BATCH_ROWS * 2 + 50] = lines[imports.BATCH_ROWS * 2 + 50].replace(";Propinsi;", ";Kecamatan;")
    content = ("\ufeff" + header + "\n" + "\n".join(lines) + "\n").encode("utf-8")
    result = await post_import(client, login, content, name="prestasi.csv", dry_run=False)
    assert result["errors"] == [] and result["report"]["createdCount"] == len(lines)
    assert result["report"]["personsCreated"] == len(lines)
    assert await Achievement.filter(institution_id=school.id).count() == len(lines)
    assert await AchievementPerson.all().count() == len(lines)
    assert await Evidence.all().count() == len(lines)
    assert (await ImportBatch.get()).created_count == len(lines)
    # Each row's achievement, evidence link and person line up (the rows go in several multi-row statements).
    numbers = {a.id: a.title.rsplit(" ", 1)[1] for a in await Achievement.filter(institution_id=school.id)}
    names = {p.id: p.name.rsplit(" ", 1)[1] for p in await Person.filter(institution_id=school.id)}
    assert sorted(numbers.values(), key=int) == [str(i) for i in range(len(lines))]
    assert all(numbers[e.achievement_id] == e.url.rsplit("/", 1)[1] for e in await Evidence.all())
    assert all(numbers[link.achievement_id] == names[link.person_id] for link in await AchievementPerson.all())


async def test_rows_written_in_bulk_keep_their_values_and_go_in_whole_or_not_at_all(db):
    # More rows than one statement takes, of values of every kind; a failing row takes the others back.
    from tortoise.transactions import in_transaction

    from service.db import ROWS_PER_INSERT, insert_rows

    school = await make_institution("SD Negeri 2 Kutasari")
    stamp = dt.datetime(2026, 3, 1, 7, 30, tzinfo=dt.UTC)
    columns = ("name", "institution_id", "publication_consent", "birth_date", "created_at")
    rows = [[f"Siswa {i}", school.id, i % 2 == 0, dt.date(2012, 1, 1) + dt.timedelta(days=i), stamp]
            for i in range(ROWS_PER_INSERT * 2 + 7)]
    async with in_transaction() as conn:
        await insert_rows(conn, "person", columns, rows)
    stored = {p.name: p for p in await Person.filter(institution_id=school.id)}
    assert len(stored) == len(rows)
    for name, _, consent, born, created in rows:
        assert (stored[name].publication_consent, stored[name].birth_date, stored[name].created_at) == (
            consent, born, created)
    taken = max(p.id for p in stored.values())
    bad = [[taken + 1 + i, f"Siswa baru {i}", school.id, False, None, stamp] for i in range(ROWS_PER_INSERT + 3)]
    bad[-1][0] = taken  # an id already taken: the last statement fails
    with pytest.raises(Exception, match="(?i)unique|duplicate"):  # noqa: B017, PT011 - the driver's own error
        async with in_transaction() as conn:
            await insert_rows(conn, "person", ("id", *columns), bad)
    assert await Person.filter(institution_id=school.id).count() == len(rows)


async def test_row_problems_cover_required_dates_and_lists(client):
    _, login = await _school()
    future = dt.date.today() + dt.timedelta(days=30)
    content = workbook_bytes([
        row(**{"Judul Prestasi": None}),
        row(**{"Tanggal": future}),
        row(**{"Tanggal": "kemarin"}),
        row(**{"Kategori": "Balap Karung"}),
        row(**{"Peringkat": "Penghargaan"}),
        row(**{"Tautan Bukti": "javascript:alert(1)"}),
        row(**{"Desa/Kelurahan": "Bojong"}),  # a name shared by several desa, institution elsewhere
    ])
    report = (await post_import(client, login, content))["report"]
    got = {(p["row"], p["column"], p["code"]) for p in report["problems"]}
    assert (2, "Judul Prestasi", "REQUIRED") in got
    assert (3, "Tanggal", "INVALID") in got
    assert (4, "Tanggal", "INVALID") in got
    assert (5, "Kategori", "NOT_FOUND") in got
    assert (6, "Sebutan Penghargaan", "REQUIRED") in got
    assert (7, "Tautan Bukti", "INVALID") in got
    assert any(p["row"] == 8 and p["column"] == "Desa/Kelurahan" for p in report["problems"])


async def test_dry_run_validates_without_writing(client):
    _, login = await _school()
    content = workbook_bytes([row(), row(**{"Nama Peserta": "Dimas Prasetyo; Ayu Lestari"})])
    result = await post_import(client, login, content)  # dryRun defaults to true
    report = result["report"]
    assert result["errors"] == []
    assert report["dryRun"] is True and report["committed"] is False
    assert report["validRows"] == 2 and report["createdCount"] == 0 and report["personsCreated"] == 3
    assert [r["status"] for r in report["rows"]] == ["VALID", "VALID"]
    assert await Achievement.all().count() == 0
    assert await Person.all().count() == 0
    assert await ImportBatch.all().count() == 0
    # …and the same file can then be imported for real
    result = await post_import(client, login, content, dry_run=False)
    assert result["report"]["createdCount"] == 2


async def test_same_file_twice_is_refused(client):
    _, login = await _school()
    content = workbook_bytes([row()])
    assert (await post_import(client, login, content, dry_run=False))["report"]["committed"]
    again = await post_import(client, login, content, dry_run=False)
    assert again["report"] is None
    assert again["errors"][0]["code"] == "DUPLICATE"
    assert await Achievement.all().count() == 1


async def test_csv_with_the_same_columns(client):
    school, login = await _school()
    header = ";".join(c.header for c in imports.COLUMNS)
    line = ("Juara 3 Lomba Tari Kreasi;FLS2N 2026;Dindikbud;Kecamatan;Juara 3;;Tari;12 Oktober 2026;;;;;"
            "Sari Wulandari;Tidak;")
    content = ("\ufeff" + header + "\n" + line + "\n").encode("utf-8")
    result = await post_import(client, login, content, name="prestasi.csv", dry_run=False)
    assert result["errors"] == []
    created = await Achievement.get(institution_id=school.id)
    assert created.date == dt.date(2026, 10, 12) and created.rank == "JUARA_3"
    person = await Person.get(institution_id=school.id)
    assert person.name == "Sari Wulandari" and person.publication_consent is False


async def test_contributor_is_confined_to_own_institutions(client, gql):
    from schema.ids import encode_id

    dinas = await make_institution("Dinas Pendidikan dan Kebudayaan", kecamatan_code=None)
    school = await make_institution("SD Negeri 1 Kutasari", parent=dinas)
    other = await make_institution("SMP Negeri 2 Bobotsari")
    login = await make_user(Role.CONTRIBUTOR, dinas)
    content = workbook_bytes([row()])

    # below its own institution: allowed
    ok = await post_import(client, login, content, dry_run=False,
                           institution_id=encode_id("Institution", school.id))
    assert ok["report"]["committed"]
    assert await Achievement.filter(institution_id=school.id).count() == 1

    # another institution: refused before reading the file
    variables = {"input": {"file": None, "dryRun": False, "institutionId": encode_id("Institution", other.id)}}
    resp = await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": variables}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("x.xlsx", workbook_bytes([row(**{"Judul Prestasi": "Lain"})]), "application/octet-stream")},
        headers={**login.headers, **CSRF},
    )
    body = resp.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Achievement.filter(institution_id=other.id).count() == 0

    # without institutionId a contributor imports for its own institution
    mine = await post_import(client, login, workbook_bytes([row(**{"Judul Prestasi": "Juara 1 Lomba Cerdas Cermat"})]),
                             dry_run=False)
    assert mine["report"]["committed"]
    assert await Achievement.filter(institution_id=dinas.id).count() == 1


async def test_verifier_cannot_import_and_junk_is_refused(client):
    verifier = await make_user(Role.VERIFIER)
    variables = {"input": {"file": None}}
    resp = await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": variables}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("x.xlsx", b"PK\x03\x04junk", "application/octet-stream")},
        headers={**verifier.headers, **CSRF},
    )
    assert resp.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    _, login = await _school()
    broken = await post_import(client, login, b"PK\x03\x04 not really a workbook")
    assert broken["errors"][0]["code"] == "INVALID"
    pdf = await post_import(client, login, b"%PDF-1.7 certificate", name="prestasi.xlsx")
    assert pdf["errors"][0]["code"] == "UNSUPPORTED_TYPE"
    no_header = await post_import(client, login, b"a,b,c\n1,2,3\n", name="x.csv")
    assert no_header["errors"][0]["code"] == "INVALID"


async def test_cli_import_command(database_url, db, tmp_path):
    """`juara import FILE --institution …` writes through the same service function, all or nothing."""
    import os
    import subprocess
    import sys

    school = await make_institution("SMP Negeri 3 Bobotsari")
    await make_user(Role.ADMIN, username="admin-impor")
    good = tmp_path / "prestasi.xlsx"
    good.write_bytes(workbook_bytes([row(), row(**{"Judul Prestasi": "Juara 2 Lomba Cerdas Cermat"})]))
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(workbook_bytes([row(**{"Tingkat": "Propinsi"})]))
    env = {**os.environ, "DATABASE_URL": database_url, "JUARA_LOG_LEVEL": "WARNING", "COLUMNS": "120"}

    def juara(*args):
        return subprocess.run([sys.executable, "-m", "web.cli", *args], env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    failed = juara("import", str(bad), "--institution", school.name)
    assert failed.returncode == 1
    assert "Baris 2, kolom Tingkat: 'Propinsi' tidak dikenal" in failed.stderr
    done = juara("import", str(good), "--institution", str(school.id), "--user", "admin-impor")
    assert done.returncode == 0, done.stderr
    assert "imported 2 DRAFT achievements" in done.stderr
    assert await Achievement.filter(institution_id=school.id).count() == 2


async def test_import_counts_rows_into_the_dashboard_aggregates(client):
    from tests.test_stats import _aggregate_snapshot, _fresh_group_by

    school, login = await _school()
    content = workbook_bytes([row(), row(**{"Judul Prestasi": "Juara 3 Lomba Cerdas Cermat", "Peringkat": "Juara 3",
                                            "Tanggal": dt.date(2025, 5, 2), "Nama Peserta": None})])
    result = await post_import(client, login, content, dry_run=False)
    assert result["report"]["createdCount"] == 2
    assert await _aggregate_snapshot() == await _fresh_group_by()
    editor = await make_user(Role.EDITOR)
    resp = await client.post(
        "/graphql", json={"query": '{ stats(filter: {status: DRAFT}) { total byYear { key count } } }'},
        headers=editor.headers,
    )
    stats = resp.json()["data"]["stats"]
    assert stats["total"] == 2
    assert {b["key"]: b["count"] for b in stats["byYear"]} == {"2025": 1, "2026": 1}


async def test_csv_cell_over_128_kib_is_a_row_problem(client):
    school, login = await _school()
    header = ";".join(c.header for c in imports.COLUMNS)
    line = ("Juara 3 Lomba Tari Kreasi;FLS2N 2026;Dindikbud;Kecamatan;Juara 3;;Tari;12 Oktober 2026;;"
            + "x" * 200_000 + ";;;Sari Wulandari;Tidak;")
    content = ("\ufeff" + header + "\n" + line + "\n").encode("utf-8")
    result = await post_import(client, login, content, name="prestasi.csv")
    problems = result["report"]["problems"]
    assert problems and problems[0]["row"] == 2 and problems[0]["column"] == "Keterangan"


async def test_malformed_multipart_gets_json_400(client):
    _, login = await _school()
    operations = json.dumps({"query": IMPORT, "variables": {"input": {"file": None}}})
    resp = await client.post("/graphql", data={"operations": operations, "map": json.dumps([["variables.input.file"]])},
                             files={"0": ("x.csv", b"a;b\n", "text/csv")}, headers={**login.headers, **CSRF})
    assert resp.status_code == 400 and resp.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    fields = {f"f{i}": "x" for i in range(1100)} | {"operations": operations, "map": "{}"}
    resp = await client.post("/graphql", data=fields, files={"0": ("x.csv", b"a;b\n", "text/csv")},
                             headers={**login.headers, **CSRF})
    assert resp.status_code == 400 and resp.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
async def test_a_row_and_the_create_mutation_are_refused_by_the_same_rules(client, gql):
    """Each rule of service.achievement_rules refuses a sheet row and a createAchievement input alike, with
    the same code; the import words it for its cell ("Baris n, kolom …"), the mutation for its field."""
    from schema.ids import encode_id
    from service.achievement_rules import MAX_PERSONS
    from tests.factories import leaf_category

    school, login = await _school()
    category = await leaf_category()
    future = dt.date.today() + dt.timedelta(days=30)
    many = [f"Peserta Nomor {i}" for i in range(MAX_PERSONS + 1)]
    cases = [  # (sheet cells, mutation input, column, field, code)
        ({"Tanggal": future}, {"date": future.isoformat()}, "Tanggal", "date", "INVALID"),
        ({"Tanggal": dt.date(1900, 1, 1)}, {"date": "1900-01-01"}, "Tanggal", "date", "INVALID"),
        ({"Peringkat": "Penghargaan"}, {"rank": "PENGHARGAAN"}, "Sebutan Penghargaan", "rankLabel", "REQUIRED"),
        ({"Nama Peserta": "; ".join(many)},
         {"personIds": [encode_id("Person", i + 1) for i in range(MAX_PERSONS + 1)]}, "Nama Peserta", "personIds",
         "TOO_LARGE"),
    ]
    report = (await post_import(client, login, workbook_bytes([row(**cells) for cells, *_ in cases])))["report"]
    create = """mutation($i: AchievementInput!) { createAchievement(input: $i) {
      achievement { id } errors { field code message } } }"""
    for number, (_, change, column, field, code) in enumerate(cases, start=2):
        problems = [p for p in report["problems"] if p["row"] == number]
        assert [(p["column"], p["code"]) for p in problems] == [(column, code)], problems
        assert problems[0]["message"].startswith(f"Baris {number}, kolom {column}: ")
        given = {
            "title": "Juara 2 Lomba Cerdas Cermat", "eventName": "Lomba Cerdas Cermat", "organizer": "Dindikbud",
            "level": "KABUPATEN", "rank": "JUARA_2", "categoryId": encode_id("Category", category.id),
            "date": "2026-08-17", "institutionId": encode_id("Institution", school.id), **change,
        }
        errors = (await gql(create, {"i": given}, login=login))["data"]["createAchievement"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [(field, code)], errors
        # One rule, two wordings of the same sentence.
        assert errors[0]["message"].lower().split()[0] == problems[0]["message"].split(": ", 1)[1].split()[0]
    assert report["validRows"] == 0
    assert not await Achievement.all().exists()


def _rewritten(part: str, xml: bytes) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, xml if info.filename == part else source.read(info.filename))
        if part not in source.namelist():
            target.writestr(part, xml)
    return out.getvalue()


async def test_workbooks_that_unpack_to_millions_of_cells_or_strings_are_refused_first(client):
    import time

    _, login = await _school()
    ns = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    cells = _rewritten("xl/worksheets/sheet1.xml", ns + b"<c/>" * 3_100_000 + b"</row></sheetData></worksheet>")
    strings = _rewritten("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                         b'main">' + b"<si><t>a</t></si>" * 2_100_000 + b"</sst>")
    for content, words in ((cells, "3.000.000 sel"), (strings, "2.000.000 teks bersama")):
        assert len(content) < 1_000_000
        started = time.perf_counter()
        result = await post_import(client, login, content)
        assert time.perf_counter() - started < 10
        assert result["report"] is None
        assert [e["code"] for e in result["errors"]] == ["TOO_LARGE"]
        assert words in result["errors"][0]["message"]
