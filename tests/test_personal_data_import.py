"""The import template carries role and consent giver per person: a team row gives each person their own."""

from __future__ import annotations

from service import imports
from service.models import Person
from service.persons import GUARDIAN_CONSENT_TEXT
from tests.test_imports import _school, post_import, row, workbook_bytes


async def test_a_team_row_gives_each_person_their_own_consent_and_role(client):
    school, login = await _school()
    content = workbook_bytes([row(**{
        "Nama Peserta": "Rina Kusuma; Dimas Prasetyo; Bu Sri Wahyuni",
        "Izin Publikasi Nama": "Ya; Tidak; Ya",
        "Peran Peserta": "Siswa; Siswa; Guru",
        "Persetujuan Dari": "Orang tua/wali; ; Sendiri",
    })])
    report = (await post_import(client, login, content, dry_run=False))["report"]
    assert report["problems"] == [] and report["committed"] is True and report["personsCreated"] == 3
    stored = {p.name: (p.publication_consent, p.role.value, p.consent_given_by) for p in await Person.all()}
    assert stored == {
        "Rina Kusuma": (True, "SISWA", "GUARDIAN"),
        "Dimas Prasetyo": (False, "SISWA", None),
        "Bu Sri Wahyuni": (True, "GURU", "SELF"),
    }
    assert all(p.consent_recorded_at is not None for p in await Person.filter(publication_consent=True))


async def test_a_pupil_with_self_consent_is_a_row_problem(client):
    school, login = await _school()
    content = workbook_bytes([
        row(**{"Nama Peserta": "Rina Kusuma", "Persetujuan Dari": "Sendiri"}),
        row(**{"Judul Prestasi": "Juara 2 Lomba Cerpen", "Nama Peserta": "A; B", "Izin Publikasi Nama": "Ya; Tidak; Ya"}),
        row(**{"Judul Prestasi": "Juara 3 Lomba Puisi", "Peran Peserta": "Penyair"}),
    ])
    report = (await post_import(client, login, content, dry_run=False))["report"]
    assert report["committed"] is False and await Person.all().count() == 0
    problems = {(p["row"], p["column"], p["code"]) for p in report["problems"]}
    assert problems == {(2, "Persetujuan Dari", "INVALID"), (3, "Izin Publikasi Nama", "INVALID"),
                        (4, "Peran Peserta", "INVALID")}
    guardian = next(p for p in report["problems"] if p["row"] == 2)
    assert "orang tua/wali" in guardian["message"]


async def test_the_template_says_what_consent_for_a_child_means(client):
    import io

    from openpyxl import load_workbook

    resp = await client.get("/templates/import-prestasi.xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    text = " ".join(str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value)
    assert GUARDIAN_CONSENT_TEXT in text
    headers = [c.value for c in wb[imports.DATA_SHEET][1]]
    assert "Peran Peserta" in " ".join(map(str, headers)) and "Persetujuan Dari" in " ".join(map(str, headers))
