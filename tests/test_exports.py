"""Spreadsheet exports and the dashboard page's own files: totals equal the API's, visibility, no private data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from openpyxl import load_workbook

from schema.ids import encode_id
from service.enums import AchievementLevel, AchievementRank, AchievementStatus, InstitutionKind, Role
from service.models import Category, Kecamatan
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user

S = AchievementStatus
COUNT_QUERY = "query($f: AchievementFilter) { achievements(filter: $f, first: 1) { totalCount } }"


async def _data():
    school = await make_institution("SMA Negeri 1 Purbalingga", kecamatan_code="33.03.12")
    village = await make_institution("Pemerintah Desa Karangreja", kind=InstitutionKind.PEMERINTAH_DESA,
                                     kecamatan_code="33.03.05")
    secret = await make_person(school, name="Rina Kusuma Wardani", consent=False, nik="3303012345678901",
                               birth_date=dt.date(2008, 5, 1), phone="081234567890")
    open_person = await make_person(school, name="Budi Santoso", consent=True)
    tari = await leaf_category("tari")
    await make_achievement(school, persons=[secret], category=tari, title="=HYPERLINK(\"http://x\")")
    await make_achievement(school, persons=[open_person], level=AchievementLevel.NASIONAL,
                           rank=AchievementRank.JUARA_2, date=dt.date(2025, 4, 1))
    await make_achievement(village, level=AchievementLevel.KABUPATEN, rank=AchievementRank.PENGHARGAAN,
                           category=await leaf_category("tertib-administrasi-desa"))
    await make_achievement(school, status=S.DRAFT, title="Draf Lomba Debat")
    await make_achievement(village, status=S.SUBMITTED, title="Diajukan Lomba Desa")
    return school, village


def _xlsx_rows(content: bytes) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return list(wb["Prestasi"].iter_rows(values_only=True))


async def test_achievement_exports_total_equals_the_api_for_each_caller(client, gql, db):
    await _data()
    editor = await make_user(Role.EDITOR)
    seni = await Category.get(slug="seni-budaya")
    cases = [
        ({}, {}),
        ({"level": "PROVINSI"}, {"level": "PROVINSI"}),
        ({"categoryId": encode_id("Category", seni.id)}, {"categoryId": encode_id("Category", seni.id)}),
        ({"dateFrom": "2026-01-01", "search": "Purbalingga"}, {"dateFrom": "2026-01-01", "search": "Purbalingga"}),
    ]
    for login in (None, editor):
        headers = login.headers if login else {}
        for params, flt in cases:
            api = (await gql(COUNT_QUERY, {"f": flt}, login=login))["data"]["achievements"]["totalCount"]
            resp = await client.get("/exports/achievements.xlsx", params=params, headers=headers)
            assert resp.status_code == 200, resp.text
            rows = _xlsx_rows(resp.content)
            assert rows[0][:3] == ("No", "Judul Prestasi", "Nama Kegiatan/Lomba")
            assert len(rows) - 1 == api, (params, login)
            resp = await client.get("/exports/achievements.csv", params=params, headers=headers)
            assert resp.status_code == 200
            assert resp.headers["content-type"].startswith("text/csv")
            lines = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
            assert lines[0][0] == "No" and len(lines) - 1 == api
    anon_total = (await gql(COUNT_QUERY))["data"]["achievements"]["totalCount"]
    staff_total = (await gql(COUNT_QUERY, login=editor))["data"]["achievements"]["totalCount"]
    assert (anon_total, staff_total) == (3, 5)


async def test_exports_never_hold_private_data_and_mask_names_without_consent(client, db):
    school, _ = await _data()
    resp = await client.get("/exports/achievements.csv")
    text = resp.content.decode("utf-8-sig")
    for private in ("3303012345678901", "081234567890", "2008-05-01", "NIK", "Telepon", "Lahir"):
        assert private not in text
    assert "Rina Kusuma Wardani" not in text
    assert "R. K. W." in text and "Budi Santoso" in text
    # A cell that would run as a formula is written as text.
    assert "'=HYPERLINK" in text
    rows = _xlsx_rows((await client.get("/exports/achievements.xlsx")).content)
    flat = " ".join(str(v) for row in rows for v in row)
    assert "Rina Kusuma Wardani" not in flat and "R. K. W." in flat and "3303012345678901" not in flat
    # The person's own institution sees the full name.
    own = await make_user(Role.CONTRIBUTOR, school)
    text = (await client.get("/exports/achievements.csv", headers=own.headers)).content.decode("utf-8-sig")
    assert "Rina Kusuma Wardani" in text
    assert "Draf Lomba Debat" in text and "Diajukan Lomba Desa" not in text  # the village's is not its own


async def test_export_refusals_are_clear(client, db):
    bad = await client.get("/exports/achievements.csv", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"] == "UNAUTHENTICATED"
    for params in ({"level": "ANTARGALAKSI"}, {"dateFrom": "kemarin"}, {"kecamatanId": "xyz"}):
        resp = await client.get("/exports/achievements.xlsx", params=params)
        assert resp.status_code == 400 and resp.json()["message"], params
    resp = await client.get("/exports/stats.xlsx", params={"status": "DRAFT"})
    assert resp.status_code == 403 and resp.json()["error"] == "FORBIDDEN"
    resp = await client.get("/exports/stats.xlsx", params={"year": "dua ribu"})
    assert resp.status_code == 400


async def test_stats_workbook_matches_the_stats_query_and_has_charts(client, gql, db):
    await _data()
    q = """{ stats { total byKecamatan { kecamatan { name } count points } byLevel { label count }
             byCategory { label count points } } }"""
    api = (await gql(q))["data"]["stats"]
    resp = await client.get("/exports/stats.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames[:5] == ["Ringkasan", "Kecamatan", "Tingkat", "Kategori", "Tahun"]
    assert wb["Ringkasan"]["B2"].value == api["total"] == 3
    kec = list(wb["Kecamatan"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in kec] == [
        (r["kecamatan"]["name"] if r["kecamatan"] else "Tingkat Kabupaten", r["count"], r["points"])
        for r in api["byKecamatan"]
    ]
    assert sum(r[1] for r in kec) == api["total"]
    assert [(r[0], r[1]) for r in wb["Tingkat"].iter_rows(min_row=2, values_only=True)] == [
        (b["label"], b["count"]) for b in api["byLevel"]
    ]
    assert [r[2] for r in wb["Kategori"].iter_rows(min_row=2, values_only=True)] == [
        b["points"] for b in api["byCategory"]
    ]
    assert all(len(wb[name]._charts) == 1 for name in ("Kecamatan", "Tingkat", "Kategori", "Tahun"))
    # Filters apply: a year with nothing gives zeros everywhere.
    empty = load_workbook(io.BytesIO((await client.get("/exports/stats.xlsx", params={"year": "2001"})).content))
    assert empty["Ringkasan"]["B2"].value == 0
    assert all(r[1] == 0 for r in empty["Kecamatan"].iter_rows(min_row=2, values_only=True))


async def test_dashboard_page_and_its_files_are_served_by_the_app(client, db):
    page = await client.get("/dashboard")
    assert page.status_code == 200 and "Dasbor Prestasi Kabupaten Purbalingga" in page.text
    assert "/static/vendor/echarts/echarts.min.js" in page.text and "cdn" not in page.text.lower()
    js = await client.get("/static/vendor/echarts/echarts.min.js")
    assert js.status_code == 200 and len(js.content) > 500_000
    own = await client.get("/static/dashboard/dashboard.js")
    assert own.status_code == 200 and "/graphql" in own.text
    geo = await client.get("/dashboard/kecamatan.geojson")
    names = sorted(f["properties"]["nama"] for f in json.loads(geo.content)["features"])
    assert names == sorted(await Kecamatan.all().values_list("name", flat=True))


async def test_stats_workbook_escapes_formula_like_names(client, db):
    hostile = await make_institution('=HYPERLINK("http://contoh.invalid","klik")')
    await make_achievement(hostile)
    resp = await client.get("/exports/stats.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    cells = [c for row in wb["Instansi Teratas"].iter_rows(min_row=2) for c in row if c.column == 1]
    assert cells and all(c.data_type != "f" for c in cells)
    assert cells[0].value == "'" + hostile.name


async def test_a_client_leaving_mid_export_leaves_no_temporary_file(client, db):
    import glob
    import tempfile

    from web.app import create_app

    school = await make_institution("SMA Negeri 1 Purbalingga")
    for i in range(5):
        await make_achievement(school, title=f"Juara {i} Lomba Pidato")
    pattern = f"{tempfile.gettempdir()}/juara-export-*"
    before = set(glob.glob(pattern))
    app = create_app(manage_database=False)
    scope = {"type": "http", "method": "GET", "path": "/exports/achievements.xlsx", "raw_path": b"/exports/achievements.xlsx",
             "query_string": b"", "headers": [(b"host", b"t")], "scheme": "http", "server": ("t", 80),
             "client": ("127.0.0.1", 5000), "root_path": "", "http_version": "1.1"}

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body":
            raise OSError("client went away")

    try:
        await app(scope, receive, send)
    except OSError:
        pass
    assert set(glob.glob(pattern)) - before == set()


async def test_xlsx_export_keeps_markup_characters_and_leaves_out_what_xml_cannot_hold(client, db):
    school = await make_institution("SMA Negeri 1 Purbalingga")
    await make_achievement(school, title=" Juara 1 <Lomba> & \"Tari\"\x01\x0b ")
    admin = await make_user(Role.ADMIN)
    resp = await client.get("/exports/achievements.xlsx", headers=admin.headers)
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    sheet = wb["Prestasi"]
    assert sheet["A1"].value == "No" and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["B2"].value == " Juara 1 <Lomba> & \"Tari\" "
    assert sheet["J2"].is_date and sheet["A2"].value == 1
