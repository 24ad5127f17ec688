"""Dashboard statistics: every breakdown against counts computed here, filters, points, visibility, aggregates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest

from schema.ids import encode_id
from service import stats
from service.db import execute
from service.enums import (
    DEFAULT_LEVEL_BASE,
    DEFAULT_RANK_FACTOR,
    LEVEL_ORDER,
    RANK_ORDER,
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    InstitutionKind,
    Role,
)
from service.models import Achievement, AuditEvent, Category, Desa, Kecamatan
from tests.factories import leaf_category, make_achievement, make_institution, make_user

L, R, S = AchievementLevel, AchievementRank, AchievementStatus

STATS_QUERY = """
query($f: StatsFilter) { stats(filter: $f) {
  total
  byKecamatan { kecamatan { code name } count points }
  byLevel { key label count points }
  byCategory { key label count points }
  byYear { key count points }
}}"""


def pts(level, rank, base=None, factor=None) -> int:
    base = base or DEFAULT_LEVEL_BASE
    factor = factor or DEFAULT_RANK_FACTOR
    return base[level] * factor[rank] // 100


@pytest.fixture
async def world(db):
    """A small regency: schools in three kecamatan, a regency-wide agency, achievements of every status."""
    bobotsari = await make_institution("SMP Negeri 1 Bobotsari", kecamatan_code="33.03.09")
    kemangkon = await make_institution("SD Negeri 1 Kemangkon", kecamatan_code="33.03.01")
    desa = await Desa.filter(kecamatan__code="33.03.02").order_by("code").first()
    bukateja = await make_institution(
        "Pemerintah Desa Pertama", kind=InstitutionKind.PEMERINTAH_DESA, kecamatan_code="33.03.02", desa=desa
    )
    dinas = await make_institution("Dinas Kesehatan", kind=InstitutionKind.PERANGKAT_DAERAH, kecamatan_code=None)
    paduan = await leaf_category("paduan-suara")  # seni-budaya
    tari = await leaf_category("tari")  # seni-budaya
    atletik = await leaf_category("atletik")  # olahraga
    sanitasi = await leaf_category("sanitasi-stbm")  # kesehatan
    spec = [
        (bobotsari, L.PROVINSI, R.JUARA_1, paduan, dt.date(2025, 3, 4), S.VERIFIED),
        (bobotsari, L.NASIONAL, R.JUARA_2, tari, dt.date(2025, 7, 9), S.VERIFIED),
        (bobotsari, L.KABUPATEN, R.JUARA_HARAPAN_1, atletik, dt.date(2026, 1, 15), S.VERIFIED),
        (bobotsari, L.KABUPATEN, R.JUARA_1, atletik, dt.date(2026, 2, 1), S.SUBMITTED),
        (kemangkon, L.KECAMATAN, R.JUARA_3, atletik, dt.date(2026, 5, 20), S.VERIFIED),
        (kemangkon, L.PROVINSI, R.FINALIS, paduan, dt.date(2024, 11, 30), S.VERIFIED),
        (kemangkon, L.DESA, R.JUARA_1, paduan, dt.date(2026, 6, 1), S.DRAFT),
        (bukateja, L.KABUPATEN, R.PENGHARGAAN, sanitasi, dt.date(2026, 8, 17), S.VERIFIED),
        (bukateja, L.PROVINSI, R.MEDALI_EMAS, sanitasi, dt.date(2026, 8, 18), S.REJECTED),
        (dinas, L.PROVINSI, R.PENGHARGAAN, sanitasi, dt.date(2026, 9, 1), S.VERIFIED),
        (dinas, L.INTERNASIONAL, R.FINALIS, sanitasi, dt.date(2025, 12, 31), S.VERIFIED),
    ]
    rows = []
    for inst, level, rank, cat, date, status in spec:
        a = await make_achievement(inst, level=level, rank=rank, category=cat, date=date, status=status)
        rows.append(a)
    return {"rows": rows, "institutions": [bobotsari, kemangkon, bukateja, dinas]}


async def _root_of(category_id: int) -> Category:
    c = await Category.get(id=category_id)
    return await Category.get(id=c.parent_id) if c.parent_id else c


async def expected(rows, status=S.VERIFIED, keep=lambda a: True, base=None, factor=None):
    """Counts and points computed from the test's own rows, without the code under test."""
    chosen = [a for a in rows if a.status == status and keep(a)]
    count, points = Counter(), Counter()
    for a in chosen:
        p = pts(a.level, a.rank, base, factor)
        root = (await _root_of(a.category_id)).slug
        for key in (("kec", a.kecamatan_id), ("level", a.level.value), ("cat", root), ("year", str(a.date.year))):
            count[key] += 1
            points[key] += p
    return len(chosen), count, points


async def test_every_breakdown_matches_counts_computed_here(gql, world):
    body = await gql(STATS_QUERY)
    got = body["data"]["stats"]
    total, count, points = await expected(world["rows"])
    assert got["total"] == total == 8

    kecamatan = await Kecamatan.all().order_by("code")
    assert len(got["byKecamatan"]) == 19
    assert [r["kecamatan"]["code"] for r in got["byKecamatan"][:18]] == [k.code for k in kecamatan]
    for row, kec in zip(got["byKecamatan"][:18], kecamatan, strict=True):
        assert (row["count"], row["points"]) == (count[("kec", kec.id)], points[("kec", kec.id)])
    zero_rows = [r for r in got["byKecamatan"][:18] if r["count"] == 0]
    assert len(zero_rows) == 15 and all(r["points"] == 0 for r in zero_rows)
    regency = got["byKecamatan"][18]
    assert regency["kecamatan"] is None
    assert (regency["count"], regency["points"]) == (2, pts(L.PROVINSI, R.PENGHARGAAN) + pts(L.INTERNASIONAL, R.FINALIS))
    assert regency["count"] == count[("kec", None)]

    assert [b["key"] for b in got["byLevel"]] == [lv.value for lv in LEVEL_ORDER]
    assert got["byLevel"][0]["label"] == "Desa"
    for b in got["byLevel"]:
        assert (b["count"], b["points"]) == (count[("level", b["key"])], points[("level", b["key"])])

    roots = await Category.filter(parent_id__isnull=True).order_by("sort_order", "name")
    assert [b["key"] for b in got["byCategory"]] == [c.slug for c in roots]
    for b in got["byCategory"]:
        assert (b["count"], b["points"]) == (count[("cat", b["key"])], points[("cat", b["key"])])
    seni = next(b for b in got["byCategory"] if b["key"] == "seni-budaya")
    assert seni["count"] == 3  # paduan suara and tari roll up into Seni & Budaya

    assert [b["key"] for b in got["byYear"]] == ["2024", "2025", "2026"]
    for b in got["byYear"]:
        assert (b["count"], b["points"]) == (count[("year", b["key"])], points[("year", b["key"])])
    assert sum(r["count"] for r in got["byKecamatan"]) == total
    assert sum(r["points"] for r in got["byKecamatan"]) == sum(b["points"] for b in got["byLevel"])


async def test_no_achievements_gives_every_zero_row(gql, db):
    got = (await gql(STATS_QUERY))["data"]["stats"]
    assert got["total"] == 0
    assert len(got["byKecamatan"]) == 19 and all(r["count"] == 0 for r in got["byKecamatan"])
    assert len(got["byLevel"]) == 7 and all(b["count"] == 0 for b in got["byLevel"])
    assert got["byYear"] == []


async def test_filters_combine(gql, world):
    rows = world["rows"]
    bobotsari = await Kecamatan.get(code="33.03.09")
    seni = await Category.get(slug="seni-budaya")
    atletik = await Category.get(slug="atletik")
    cases = [
        ({"year": 2026}, lambda a: a.date.year == 2026),
        ({"year": 2025, "kecamatanId": encode_id("Kecamatan", bobotsari.id)},
         lambda a: a.date.year == 2025 and a.kecamatan_id == bobotsari.id),
        ({"categoryId": encode_id("Category", seni.id)}, lambda a: a.category_root_id == seni.id),
        ({"categoryId": encode_id("Category", atletik.id), "level": "KABUPATEN"},
         lambda a: a.category_id == atletik.id and a.level == L.KABUPATEN),
        ({"dateFrom": "2025-07-01", "dateTo": "2026-01-31", "level": "NASIONAL"},
         lambda a: dt.date(2025, 7, 1) <= a.date <= dt.date(2026, 1, 31) and a.level == L.NASIONAL),
        ({"year": 2026, "dateFrom": "2026-05-01", "categoryId": encode_id("Category", seni.id)},
         lambda a: a.date.year == 2026 and a.date >= dt.date(2026, 5, 1) and a.category_root_id == seni.id),
    ]
    for flt, keep in cases:
        got = (await gql(STATS_QUERY, {"f": flt}))["data"]["stats"]
        total, count, points = await expected(rows, keep=keep)
        assert got["total"] == total, flt
        kec_ids = [k.id for k in await Kecamatan.all().order_by("code")] + [None]
        assert [(r["count"], r["points"]) for r in got["byKecamatan"]] == [
            (count[("kec", k)], points[("kec", k)]) for k in kec_ids
        ], flt
        assert [b["count"] for b in got["byLevel"]] == [count[("level", lv.value)] for lv in LEVEL_ORDER], flt
    # A combination that matches nothing still lists every row.
    got = (await gql(STATS_QUERY, {"f": {"year": 2024, "level": "DESA"}}))["data"]["stats"]
    assert got["total"] == 0 and len(got["byKecamatan"]) == 19


async def test_extra_breakdowns_and_rankings(gql, world):
    bukateja = await Kecamatan.get(code="33.03.02")
    q = """query($k: ID!) { stats(filter: {year: 2026}) {
      byMonth(year: 2026) { key label count points }
      byRank { key count }
      byInstitutionKind { key label count }
      byDesa(kecamatanId: $k) { desa { code } count points }
      topKecamatan { kecamatan { name } count points }
      topInstitutions(limit: 3) { position institution { name } count points }
    }}"""
    got = (await gql(q, {"k": encode_id("Kecamatan", bukateja.id)}))["data"]["stats"]
    months = {b["key"]: b["count"] for b in got["byMonth"]}
    assert len(got["byMonth"]) == 12 and got["byMonth"][0]["label"] == "Januari 2026"
    assert months == {f"2026-{m:02d}": {1: 1, 5: 1, 8: 1, 9: 1}.get(m, 0) for m in range(1, 13)}
    assert [b["key"] for b in got["byRank"]] == [r.value for r in RANK_ORDER]
    assert {b["key"]: b["count"] for b in got["byRank"] if b["count"]} == {
        "JUARA_HARAPAN_1": 1, "JUARA_3": 1, "PENGHARGAAN": 2,
    }
    kinds = {b["key"]: b["count"] for b in got["byInstitutionKind"]}
    assert kinds == {k.value: {"SEKOLAH": 2, "PEMERINTAH_DESA": 1, "PERANGKAT_DAERAH": 1}.get(k.value, 0)
                     for k in InstitutionKind}
    desa_codes = await Desa.filter(kecamatan_id=bukateja.id).order_by("code").values_list("code", flat=True)
    assert [r["desa"]["code"] for r in got["byDesa"]] == list(desa_codes)
    assert [r["count"] for r in got["byDesa"]] == [1] + [0] * (len(desa_codes) - 1)
    assert got["byDesa"][0]["points"] == pts(L.KABUPATEN, R.PENGHARGAAN)

    top = got["topKecamatan"]
    assert len(top) == 18
    assert [r["points"] for r in top] == sorted((r["points"] for r in top), reverse=True)
    assert top[0]["kecamatan"]["name"] == "Bukateja"  # 40 points beats Kemangkon (10) and Bobotsari (12)
    insts = got["topInstitutions"]
    assert [(i["position"], i["institution"]["name"], i["points"]) for i in insts] == [
        (1, "Dinas Kesehatan", 80), (2, "Pemerintah Desa Pertama", 40), (3, "SMP Negeri 1 Bobotsari", 12),
    ]
    bad = await gql("{ stats { topInstitutions(limit: 1000) { points } } }", expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"


async def test_points_follow_the_table_and_a_changed_table(gql, world):
    admin = await make_user(Role.ADMIN)
    table = (await gql("{ pointsTable { levels { level base } ranks { rank factor } } }"))["data"]["pointsTable"]
    assert {x["level"]: x["base"] for x in table["levels"]} == {k.value: v for k, v in DEFAULT_LEVEL_BASE.items()}
    assert {x["rank"]: x["factor"] for x in table["ranks"]} == {k.value: v for k, v in DEFAULT_RANK_FACTOR.items()}

    mutation = """mutation($i: PointsTableInput!) { updatePointsTable(input: $i) {
      pointsTable { levels { level base } } errors { field code message } } }"""
    body = await gql(mutation, {"i": {"levels": [{"level": "PROVINSI", "base": 99}],
                                      "ranks": [{"rank": "FINALIS", "factor": 33}]}}, login=admin)
    assert body["data"]["updatePointsTable"]["errors"] == []
    base = {**DEFAULT_LEVEL_BASE, L.PROVINSI: 99}
    factor = {**DEFAULT_RANK_FACTOR, R.FINALIS: 33}
    got = (await gql(STATS_QUERY))["data"]["stats"]
    _, count, points = await expected(world["rows"], base=base, factor=factor)
    kec_ids = [k.id for k in await Kecamatan.all().order_by("code")] + [None]
    assert [r["points"] for r in got["byKecamatan"]] == [points[("kec", k)] for k in kec_ids]
    assert next(b for b in got["byLevel"] if b["key"] == "PROVINSI")["points"] == 99 + 99 + 99 * 33 // 100
    assert await AuditEvent.filter(action="points.update").count() == 1
    assert await _aggregate_snapshot() == await _fresh_group_by()  # stored yearly points follow the new table

    bad = await gql(mutation, {"i": {"levels": [{"level": "DESA", "base": -1}, {"level": "DESA", "base": 5}]}},
                    login=admin)
    codes = {e["code"] for e in bad["data"]["updatePointsTable"]["errors"]}
    assert codes == {"INVALID", "DUPLICATE"}
    assert bad["data"]["updatePointsTable"]["pointsTable"] is None
    assert (await gql("{ pointsTable { levels { level base } } }"))["data"]["pointsTable"]["levels"][4]["base"] == 99

    verifier = await make_user(Role.VERIFIER)
    denied = await gql(mutation, {"i": {"levels": [{"level": "DESA", "base": 1}]}}, login=verifier, expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anon = await gql(mutation, {"i": {"levels": [{"level": "DESA", "base": 1}]}}, expect_errors=True)
    assert anon["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_visibility_verified_for_the_public_other_statuses_for_staff(gql, world):
    q = "query($f: StatsFilter) { stats(filter: $f) { total } }"
    assert (await gql(q))["data"]["stats"]["total"] == 8
    contributor = await make_user(Role.CONTRIBUTOR, world["institutions"][0])
    # A contributor's own drafts do not leak into the public numbers.
    assert (await gql(q, login=contributor))["data"]["stats"]["total"] == 8
    for login in (None, contributor):
        denied = await gql(q, {"f": {"status": "SUBMITTED"}}, login=login, expect_errors=True)
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert denied["data"] is None
    editor = await make_user(Role.EDITOR)
    for status, n in (("SUBMITTED", 1), ("DRAFT", 1), ("REJECTED", 1), ("VERIFIED", 8)):
        assert (await gql(q, {"f": {"status": status}}, login=editor))["data"]["stats"]["total"] == n
    bad = await gql(q, {"f": {"kecamatanId": "not-an-id"}}, expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"


async def _aggregate_snapshot() -> tuple[list, list, list]:
    daily = await execute(
        "SELECT date, status, level, rank, category_id, category_root_id, kecamatan_id, desa_id, institution_kind, "
        "count FROM achievement_stat_daily WHERE count <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
    )
    inst = await execute(
        "SELECT institution_id, date, status, level, rank, category_id, kecamatan_id, count "
        "FROM achievement_stat_institution WHERE count <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7"
    )
    yearly = await execute(
        "SELECT year, status, level, category_root_id, kecamatan_id, count, points FROM achievement_stat_yearly "
        "WHERE count <> 0 ORDER BY 1, 2, 3, 4, 5"
    )
    return [tuple(r) for r in daily[1]], [tuple(r) for r in inst[1]], [tuple(r) for r in yearly[1]]


async def _fresh_group_by() -> tuple[list, list, list]:
    daily = await execute(
        "SELECT date, status, level, rank, category_id, category_root_id, COALESCE(kecamatan_id, 0), "
        "COALESCE(desa_id, 0), institution_kind, COUNT(*) FROM achievement "
        "GROUP BY date, status, level, rank, category_id, category_root_id, COALESCE(kecamatan_id, 0), "
        "COALESCE(desa_id, 0), institution_kind ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
    )
    inst = await execute(
        "SELECT institution_id, date, status, level, rank, category_id, COALESCE(kecamatan_id, 0), COUNT(*) "
        "FROM achievement GROUP BY institution_id, date, status, level, rank, category_id, "
        "COALESCE(kecamatan_id, 0) ORDER BY 1, 2, 3, 4, 5, 6, 7"
    )
    # Year and points computed here in Python from the rows, independently of the SQL under test.
    rows = await execute("SELECT date, status, level, rank, category_root_id, kecamatan_id FROM achievement")
    table = await stats.points_table()
    base, factor = dict(table.levels), dict(table.ranks)
    cells: dict[tuple, list[int]] = {}
    for date, status, level, rank, root, kec in (tuple(r) for r in rows[1]):
        year = date.year if isinstance(date, dt.date) else int(str(date)[:4])
        cell = cells.setdefault((year, status, level, root, kec or 0), [0, 0])
        cell[0] += 1
        cell[1] += base[L(level)] * factor[R(rank)] // 100
    yearly = [(*k, n, p) for k, (n, p) in sorted(cells.items())]
    return [tuple(r) for r in daily[1]], [tuple(r) for r in inst[1]], yearly


async def test_aggregates_equal_a_fresh_group_by_through_the_workflow(gql, world):
    assert await _aggregate_snapshot() == await _fresh_group_by()
    school = world["institutions"][0]
    contributor = await make_user(Role.CONTRIBUTOR, school)
    verifier = await make_user(Role.VERIFIER)
    cat = await leaf_category("atletik")
    create = """mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id } errors { code } } }"""
    ids = []
    for title, date in (("Juara 1 Lari 100 Meter", "2026-04-02"), ("Juara 2 Lompat Jauh", "2026-04-02")):
        body = await gql(create, {"i": {
            "title": title, "eventName": "O2SN", "organizer": "Dindikbud", "level": "KABUPATEN",
            "rank": "JUARA_1", "categoryId": encode_id("Category", cat.id), "date": date,
            "institutionId": encode_id("Institution", school.id), "evidenceUrls": ["https://example.org/p.pdf"],
        }}, login=contributor)
        ids.append(body["data"]["createAchievement"]["achievement"]["id"])
        assert await _aggregate_snapshot() == await _fresh_group_by()
    steps = [
        ("mutation($id: ID!) { submitAchievement(id: $id) { errors { code } } }", {}, contributor, ids[0]),
        ("mutation($id: ID!) { submitAchievement(id: $id) { errors { code } } }", {}, contributor, ids[1]),
        ("mutation($id: ID!) { verifyAchievement(id: $id) { errors { code } } }", {}, verifier, ids[0]),
        ("mutation($id: ID!, $r: String!) { rejectAchievement(id: $id, reason: $r) { errors { code } } }",
         {"r": "Bukti kurang jelas."}, verifier, ids[1]),
        ("mutation($id: ID!, $i: AchievementUpdateInput!) { updateAchievement(id: $id, input: $i) { errors { code } } }",
         {"i": {"level": "PROVINSI", "date": "2025-10-10", "kecamatanId": encode_id("Kecamatan",
                                                                                      (await Kecamatan.get(code="33.03.05")).id)}},
         contributor, ids[1]),
        # Only the rank: the same yearly cell with other points, another daily and institution cell.
        ("mutation($id: ID!, $i: AchievementUpdateInput!) { updateAchievement(id: $id, input: $i) { errors { code } } }",
         {"i": {"rank": "JUARA_3"}}, contributor, ids[1]),
        # Only the title: every cell stays.
        ("mutation($id: ID!, $i: AchievementUpdateInput!) { updateAchievement(id: $id, input: $i) { errors { code } } }",
         {"i": {"title": "Juara 3 Lompat Jauh"}}, contributor, ids[1]),
        ("mutation($id: ID!, $r: String!) { withdrawVerification(id: $id, reason: $r) { errors { code } } }",
         {"r": "Piagam ternyata palsu."}, verifier, ids[0]),
    ]
    for query, variables, login, target in steps:
        body = await gql(query, {"id": target, **variables}, login=login)
        payload = next(iter(body["data"].values()))
        assert payload["errors"] == [], query
        assert await _aggregate_snapshot() == await _fresh_group_by(), query
    editor = await make_user(Role.EDITOR)
    got = await gql("{ stats(filter: {status: REJECTED}) { total byYear { key count } } }", login=editor)
    assert got["data"]["stats"] == {"total": 3, "byYear": [{"key": "2025", "count": 1}, {"key": "2026", "count": 2}]}


async def test_rebuild_restores_aggregates_after_a_bulk_write(gql, world):
    before = await _aggregate_snapshot()
    await execute("DELETE FROM achievement_stat_daily")
    await execute("DELETE FROM achievement_stat_institution")
    await execute("DELETE FROM achievement_stat_yearly")
    assert (await gql("{ stats { total } }"))["data"]["stats"]["total"] == 0
    cells = await stats.rebuild_aggregates()
    assert cells["achievement_stat_daily"] == len(before[0])
    assert await _aggregate_snapshot() == before == await _fresh_group_by()
    assert (await gql("{ stats { total } }"))["data"]["stats"]["total"] == 8


async def test_bulk_insert_counted_incrementally_equals_a_fresh_group_by(gql, world):
    from tortoise.transactions import in_transaction

    # Rows written behind the workflow's back, as an import does, then counted in one call.
    school = world["institutions"][1]
    cat = await leaf_category("posyandu")
    new_ids = []
    for i, (level, date) in enumerate(((L.DESA, dt.date(2026, 3, 3)), (L.PROVINSI, dt.date(2023, 1, 9)),
                                       (L.PROVINSI, dt.date(2023, 1, 9)))):
        a = await make_achievement(school, level=level, rank=R.JUARA_3, category=cat, date=date,
                                   title=f"Lomba Posyandu {i}")
        new_ids.append(a.id)
    # make_achievement counts its rows itself; take them out again to stand for an uncounted bulk insert.
    for a_id in new_ids:
        await stats.achievement_changed(None, await Achievement.get(id=a_id))
    assert await _aggregate_snapshot() != await _fresh_group_by()
    async with in_transaction() as conn:
        await stats.add_to_aggregates(new_ids, conn)
    assert await _aggregate_snapshot() == await _fresh_group_by()
    got = await gql("{ stats(filter: {year: 2023}) { total byLevel { key points } } }")
    assert got["data"]["stats"]["total"] == 2
    assert next(b for b in got["data"]["stats"]["byLevel"] if b["key"] == "PROVINSI")["points"] == 2 * 40


async def test_date_ranges_and_filters_match_counts_computed_here(gql, world):
    """Ranges that cut years at any day (the in-memory aggregates sum or subtract months), with filters."""
    import random

    rows = world["rows"]
    editor = await make_user(Role.EDITOR)
    kec_ids = [k.id for k in await Kecamatan.all().order_by("code")] + [None]
    kecamatan = [await Kecamatan.get(code=c) for c in ("33.03.09", "33.03.01", "33.03.02")]
    roots = await Category.filter(slug__in=["seni-budaya", "olahraga", "kesehatan"])
    rnd = random.Random(3303)
    day0 = dt.date(2023, 10, 1)
    for _ in range(40):
        a, b = sorted(day0 + dt.timedelta(days=rnd.randrange(3 * 366 + 120)) for _ in range(2))
        flt: dict = {"dateFrom": a.isoformat(), "dateTo": b.isoformat()}
        checks = [lambda x, a=a, b=b: a <= x.date <= b]
        if rnd.random() < 0.2:
            del flt["dateFrom"]
            checks = [lambda x, b=b: x.date <= b]
        elif rnd.random() < 0.2:
            del flt["dateTo"]
            checks = [lambda x, a=a: a <= x.date]
        if rnd.random() < 0.3:
            year = rnd.choice([2024, 2025, 2026])
            flt["year"] = year
            checks.append(lambda x, y=year: x.date.year == y)
        if rnd.random() < 0.3:
            level = rnd.choice([L.PROVINSI, L.KABUPATEN, L.NASIONAL])
            flt["level"] = level.value
            checks.append(lambda x, lv=level: x.level == lv)
        if rnd.random() < 0.3:
            kec = rnd.choice(kecamatan)
            flt["kecamatanId"] = encode_id("Kecamatan", kec.id)
            checks.append(lambda x, k=kec.id: x.kecamatan_id == k)
        if rnd.random() < 0.3:
            root = rnd.choice(roots)
            flt["categoryId"] = encode_id("Category", root.id)
            checks.append(lambda x, r=root.id: x.category_root_id == r)
        status = rnd.choice([S.VERIFIED, S.VERIFIED, S.SUBMITTED, S.REJECTED])
        if status != S.VERIFIED:
            flt["status"] = status.value
        got = (await gql(STATS_QUERY, {"f": flt}, login=editor))["data"]["stats"]
        total, count, points = await expected(rows, status=status, keep=lambda x, cs=checks: all(c(x) for c in cs))
        assert got["total"] == total, flt
        assert [(r["count"], r["points"]) for r in got["byKecamatan"]] == [
            (count[("kec", k)], points[("kec", k)]) for k in kec_ids], flt
        assert [(b["count"], b["points"]) for b in got["byLevel"]] == [
            (count[("level", lv.value)], points[("level", lv.value)]) for lv in LEVEL_ORDER], flt
        assert {b["key"]: (b["count"], b["points"]) for b in got["byCategory"] if b["count"]} == {
            k: (n, points[("cat", k)]) for (d, k), n in count.items() if d == "cat"}, flt
        assert [(b["key"], b["count"], b["points"]) for b in got["byYear"]] == sorted(
            (k, n, points[("year", k)]) for (d, k), n in count.items() if d == "year"), flt


async def test_a_write_by_another_process_is_seen_at_once(gql, world, database_url):
    """The breakdowns kept in memory follow a commit made on another connection (another worker)."""
    q = "query($f: StatsFilter) { stats(filter: $f) { total byYear { key count } } }"
    in_march = {"dateFrom": "2025-03-01", "dateTo": "2025-03-31"}
    assert (await gql(q, {"f": {"year": 2025}}))["data"]["stats"]["total"] == 3
    assert (await gql(q, {"f": in_march}))["data"]["stats"]["total"] == 1
    statements = [
        "UPDATE achievement_stat_yearly SET count = count + 100 WHERE status = 'VERIFIED' AND year = 2025 "
        "AND level = 'PROVINSI'",
        "UPDATE achievement_stat_daily SET count = count + 100 WHERE status = 'VERIFIED' AND year = 2025 "
        "AND month = 3",
    ]
    if database_url.startswith("sqlite://"):
        import sqlite3

        conn = sqlite3.connect(database_url[len("sqlite://"):])
        try:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        finally:
            conn.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(database_url)
        try:
            async with conn.transaction():
                for statement in statements:
                    await conn.execute(statement)
        finally:
            await conn.close()
    assert (await gql(q, {"f": {"year": 2025}}))["data"]["stats"]["total"] == 103
    got = (await gql(q, {"f": in_march}))["data"]["stats"]
    assert got == {"total": 101, "byYear": [{"key": "2025", "count": 101}]}


MISSING_ROW_QUERY = """
query($f: StatsFilter) { stats(filter: $f) {
  total
  byKecamatan { kecamatan { code } count points }
  byLevel { key count points }
  byRank { key count points }
  byCategory { key count points }
  byYear { key count points }
  byMonth(year: 2026) { key count points }
  byInstitutionKind { key count points }
  topKecamatan { kecamatan { code } count points }
  topInstitutions(limit: 10) { institution { name } count points }
}}"""


async def test_a_missing_points_row_keeps_counts_on_every_path(gql, client, world, monkeypatch):
    """Without a factor for PENGHARGAAN its achievements count with 0 points on every path: the in-memory
    breakdowns, the yearly table (kept by a change, a bulk addition and a rebuild), the daily and
    per-institution tables, and the export."""
    await execute("DELETE FROM points_rank WHERE rank = ?", [R.PENGHARGAAN.value])
    await stats.rebuild_aggregates()
    rows = list(world["rows"])
    # One more through the per-change path, one through the bulk path.
    school = world["institutions"][0]
    cat = await leaf_category("atletik")
    rows.append(await make_achievement(school, level=L.PROVINSI, rank=R.PENGHARGAAN, category=cat,
                                       date=dt.date(2026, 4, 4), status=S.VERIFIED, title="Penghargaan Sekolah"))
    bulk = await make_achievement(school, level=L.DESA, rank=R.PENGHARGAAN, category=cat,
                                  date=dt.date(2026, 4, 5), status=S.VERIFIED, title="Penghargaan Desa")
    await stats.achievement_changed(None, bulk)
    from tortoise.transactions import in_transaction

    async with in_transaction() as conn:
        await stats.add_to_aggregates([bulk.id], conn)
    rows.append(bulk)
    assert await _aggregate_snapshot() == await _fresh_group_by()

    factor = {**DEFAULT_RANK_FACTOR, R.PENGHARGAAN: 0}
    total, count, points = await expected(rows, factor=factor)
    verified = [a for a in rows if a.status == S.VERIFIED]
    assert total == 10 and sum(a.rank == R.PENGHARGAAN for a in verified) == 4

    def check(got: dict) -> None:
        assert got["total"] == total
        for b in got["byLevel"]:
            assert (b["count"], b["points"]) == (count[("level", b["key"])], points[("level", b["key"])])
        for b in got["byYear"]:
            assert (b["count"], b["points"]) == (count[("year", b["key"])], points[("year", b["key"])])
        for b in got["byCategory"]:
            assert (b["count"], b["points"]) == (count[("cat", b["key"])], points[("cat", b["key"])])
        assert sum(r["count"] for r in got["byKecamatan"]) == total
        assert sum(r["points"] for r in got["byKecamatan"]) == sum(points[("level", lv.value)] for lv in L)
        award = next(b for b in got["byRank"] if b["key"] == "PENGHARGAAN")
        assert (award["count"], award["points"]) == (4, 0)
        assert sum(b["count"] for b in got["byRank"]) == total
        assert sum(b["count"] for b in got["byInstitutionKind"]) == total
        assert sum(b["count"] for b in got["byMonth"]) == sum(a.date.year == 2026 for a in verified)
        assert sum(r["count"] for r in got["topKecamatan"]) == total - 2  # the regency-wide two have no kecamatan
        insts = {r["institution"]["name"]: (r["count"], r["points"]) for r in got["topInstitutions"]}
        # The village's only verified achievement is a PENGHARGAAN: counted, with no points.
        assert insts["Pemerintah Desa Pertama"] == (1, 0)
        assert insts["Dinas Kesehatan"] == (2, pts(L.INTERNASIONAL, R.FINALIS))
        assert sum(n for n, _ in insts.values()) == total

    check((await gql(MISSING_ROW_QUERY))["data"]["stats"])  # the in-memory breakdowns
    monkeypatch.setattr(stats.CUBE, "generation", _no_generation)
    check((await gql(MISSING_ROW_QUERY))["data"]["stats"])  # the yearly table
    # A day-precise range is read from the daily table.
    check((await gql(MISSING_ROW_QUERY, {"f": {"dateFrom": "2000-01-01", "dateTo": "2026-12-31"}}))["data"]["stats"])

    resp = await client.get("/exports/achievements.csv")
    lines = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert len(lines) - 1 == total
    by_title = {line[1]: line for line in lines[1:]}
    assert by_title["Penghargaan Sekolah"][-1] == "0"
    assert sum(int(line[-1]) for line in lines[1:]) == sum(points[("level", lv.value)] for lv in L)


async def _no_generation(status: str = "VERIFIED"):
    return None


async def test_a_month_breakdown_of_an_impossible_year_is_a_clear_error(gql, db):
    # The year column is a SMALLINT on PostgreSQL: 32768 was a database error (the schema fuzzer found it).
    for year in (32768, 1):
        bad = await gql("query($y: Int!) { stats { byMonth(year: $y) { key } } }", {"y": year},
                        expect_errors=True)
        assert bad["errors"][0]["extensions"]["code"] == "INVALID"
        assert "Tahun tidak masuk akal" in bad["errors"][0]["message"]
