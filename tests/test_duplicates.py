"""Duplicate hints: same evidence file, near-identical entries, one person in one event; never for distinct wins."""

from __future__ import annotations

import datetime as dt
import io
import json

from openpyxl import Workbook

from schema.ids import encode_id
from service import accounts, achievements, imports
from service.achievements import AchievementData
from service.duplicates import normalise
from service.enums import AchievementLevel, AchievementRank, AchievementStatus, Role
from service.models import Achievement, DuplicateHint, Institution
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user

CSRF = {"X-Requested-With": "XMLHttpRequest"}
PDF = b"%PDF-1.4\n% piagam juara\n%%EOF\n"

DUPLICATES = """
query($id: ID!) {
  node(id: $id) { ... on Achievement { title possibleDuplicates { achievement { id title } reason score explanation } } }
}
"""


async def actor_of(login):
    return await accounts.authenticate(login.token)


async def create(login, institution: Institution, title: str, date: dt.date, *, event="Lomba Desa 2026",
                 rank=AchievementRank.JUARA_1, person_ids=None) -> Achievement:
    category = await leaf_category("tertib-administrasi-desa")
    data = AchievementData(
        title=title, event_name=event, organizer="Pemerintah Provinsi Jawa Tengah", level=AchievementLevel.PROVINSI,
        rank=rank, category_id=category.id, date=date, institution_id=institution.id, person_ids=person_ids,
        evidence_urls=["https://example.org/bukti"],
    )
    return await achievements.create_achievement(await actor_of(login), data)


async def hints(gql, login, achievement: Achievement) -> list[dict]:
    body = await gql(DUPLICATES, {"id": encode_id("Achievement", achievement.id)}, login)
    return body["data"]["node"]["possibleDuplicates"]


async def upload(client, login, achievement_id: int, content: bytes):
    variables = {"input": {"achievementId": encode_id("Achievement", achievement_id), "file": None}}
    resp = await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": """mutation($input: UploadEvidenceInput!) {
                  uploadEvidence(input: $input) { errors { code } } }""", "variables": variables}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("piagam.pdf", content, "application/pdf")},
        headers={**login.headers, **CSRF},
    )
    assert resp.json()["data"]["uploadEvidence"]["errors"] == []


async def test_same_evidence_file_is_a_hint_for_staff_and_own_institution_only(client, gql):
    desa = await make_institution("Pemerintah Desa Karangtalun")
    other = await make_institution("Pemerintah Desa Banjarsari")
    mine = await make_user(Role.CONTRIBUTOR, desa)
    theirs = await make_user(Role.CONTRIBUTOR, other)
    verifier = await make_user(Role.VERIFIER)
    first = await make_achievement(other, status=AchievementStatus.VERIFIED, title="Juara 1 Lomba Desa",
                                   evidence_url=None, date=dt.date(2025, 5, 1))
    admin = await make_user(Role.ADMIN)
    await upload(client, admin, first.id, PDF)
    second = await create(mine, desa, "Desa Terbaik Se-Jawa Tengah", dt.date(2026, 8, 1))
    assert await hints(gql, verifier, second) == []
    await upload(client, mine, second.id, PDF)

    found = await hints(gql, verifier, second)
    assert [(h["achievement"]["title"], h["reason"], h["score"]) for h in found] == [
        ("Juara 1 Lomba Desa", "SAME_EVIDENCE_FILE", 100)]
    assert "SHA-256" in found[0]["explanation"]
    # symmetric: the original shows the new entry too (for staff)
    assert [h["reason"] for h in await hints(gql, verifier, first)] == ["SAME_EVIDENCE_FILE"]
    # the own institution sees the hint (the original is VERIFIED, so visible to it)
    assert len(await hints(gql, mine, second)) == 1
    # another institution and the public do not see hints about achievements that are not theirs
    assert await hints(gql, theirs, first) == []
    body = await gql(DUPLICATES, {"id": encode_id("Achievement", first.id)})
    assert body["data"]["node"]["possibleDuplicates"] == []


async def test_near_identical_entry_of_same_institution_is_found(gql):
    desa = await make_institution("Pemerintah Desa Kedungbenda")
    login = await make_user(Role.CONTRIBUTOR, desa)
    verifier = await make_user(Role.VERIFIER)
    original = await create(login, desa, "Juara I Lomba Desa Tertib Administrasi", dt.date(2026, 7, 10))
    again = await create(login, desa, "juara 1 lomba desa tertib administrasi.", dt.date(2026, 7, 12))
    found = await hints(gql, verifier, again)
    assert [(h["achievement"]["title"], h["reason"]) for h in found] == [
        ("Juara I Lomba Desa Tertib Administrasi", "SIMILAR_ENTRY")]
    assert found[0]["score"] >= 88
    assert [h["achievement"]["title"] for h in await hints(gql, login, original)] == [again.title]


async def test_distinct_achievements_are_not_duplicates(gql):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    other = await make_institution("SMP Negeri 2 Bobotsari")
    login = await make_user(Role.CONTRIBUTOR, school)
    other_login = await make_user(Role.CONTRIBUTOR, other)
    verifier = await make_user(Role.VERIFIER)
    day = dt.date(2026, 9, 1)
    rows = [
        await create(login, school, "Juara 1 Lomba Pidato Bahasa Inggris", day, event="FLS2N 2026"),
        await create(login, school, "Juara 2 Lomba Pidato Bahasa Jawa", day, event="FLS2N 2026",
                     rank=AchievementRank.JUARA_2),
        await create(login, school, "Juara 1 Olimpiade Matematika", day, event="OSN 2026"),
        # the same contest a year earlier was another win
        await create(login, school, "Juara 1 Lomba Pidato Bahasa Inggris", day - dt.timedelta(days=365),
                     event="FLS2N 2025"),
        # the same title by another school is another school's win
        await create(other_login, other, "Juara 1 Lomba Pidato Bahasa Inggris", day, event="FLS2N 2026"),
    ]
    for row in rows:
        assert await hints(gql, verifier, row) == [], row.title
    assert await DuplicateHint.all().count() == 0


async def test_same_person_in_same_event_across_institutions(gql):
    dinas = await make_institution("Dinas Pendidikan dan Kebudayaan", kecamatan_code=None)
    school = await make_institution("SMA Negeri 1 Purbalingga")
    student = await make_person(None, "Rina Kusuma")
    verifier = await make_user(Role.VERIFIER)
    first = await create(await make_user(Role.CONTRIBUTOR, school), school, "Medali Emas Pencak Silat",
                         dt.date(2026, 6, 20), event="Popda Jawa Tengah 2026", person_ids=[student.id])
    second = await create(await make_user(Role.CONTRIBUTOR, dinas), dinas, "Emas Popda cabang silat",
                          dt.date(2026, 6, 25), event="POPDA Jawa Tengah 2026",
                          person_ids=[student.id])
    found = await hints(gql, verifier, second)
    assert [(h["achievement"]["id"], h["reason"]) for h in found] == [
        (encode_id("Achievement", first.id), "SAME_PERSON_EVENT")]


async def test_import_finds_duplicates_of_existing_and_within_file(client, gql):
    school = await make_institution("SD Negeri 1 Kutasari")
    login = await make_user(Role.CONTRIBUTOR, school)
    verifier = await make_user(Role.VERIFIER)
    existing = await create(login, school, "Juara 1 Lomba Desa Tertib Administrasi", dt.date(2026, 3, 2))
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in imports.COLUMNS])
    base = {"Nama Kegiatan/Lomba": "Lomba Desa 2026", "Penyelenggara": "Pemprov", "Tingkat": "Provinsi",
            "Peringkat": "Juara 1", "Kategori": "Tertib Administrasi Desa"}
    for title, date in [("Juara 1 Lomba Desa Tertib Administrasi", dt.date(2026, 3, 3)),
                        ("Juara 1 Lomba Mewarnai", dt.date(2026, 5, 3)),
                        ("Juara 1 Lomba Mewarnai", dt.date(2026, 5, 3))]:
        data = {**base, "Judul Prestasi": title, "Tanggal": date}
        ws.append([data.get(c.header) for c in imports.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    report = await imports.import_upload(await actor_of(login), _reader(buf.getvalue()), "impor.xlsx", None, False)
    assert report.created_count == 3 and report.duplicate_hints == 2
    first_new = await Achievement.get(id=report.achievement_ids[0])
    assert [h["achievement"]["id"] for h in await hints(gql, verifier, first_new)] == [
        encode_id("Achievement", existing.id)]
    third = await Achievement.get(id=report.achievement_ids[2])
    assert [h["reason"] for h in await hints(gql, verifier, third)] == ["SIMILAR_ENTRY"]


def _reader(content: bytes):
    stream = io.BytesIO(content)

    async def read(size: int = -1) -> bytes:
        return stream.read(size)

    return read


async def test_verifier_rejects_a_duplicate_pointing_to_the_original(gql):
    desa = await make_institution("Pemerintah Desa Bokol")
    verifier = await make_user(Role.VERIFIER)
    original = await make_achievement(desa, status=AchievementStatus.VERIFIED, title="Juara 1 Lomba Posyandu",
                                      date=dt.date(2026, 4, 1))
    copy = await make_achievement(desa, status=AchievementStatus.SUBMITTED, title="Juara 1 Lomba Posyandu",
                                  date=dt.date(2026, 4, 1))
    body = await gql(
        """mutation($id: ID!, $orig: ID!) { rejectAchievement(id: $id, reason: "Sudah tercatat.", duplicateOf: $orig) {
             achievement { status rejectionReason } errors { field code } } }""",
        {"id": encode_id("Achievement", copy.id), "orig": encode_id("Achievement", original.id)}, verifier,
    )
    result = body["data"]["rejectAchievement"]
    assert result["errors"] == []
    assert result["achievement"]["status"] == "REJECTED"
    assert result["achievement"]["rejectionReason"] == (
        f"Duplikat dari prestasi #{original.id} \u201cJuara 1 Lomba Posyandu\u201d (01/04/2026). Sudah tercatat."
    )
    body = await gql(
        """mutation($id: ID!) { rejectAchievement(id: $id, reason: "x", duplicateOf: $id) { errors { field code } } }""",
        {"id": encode_id("Achievement", original.id)}, verifier,
    )
    assert body["data"]["rejectAchievement"]["errors"] == [{"field": "duplicateOf", "code": "INVALID"}]


def test_normalise_folds_roman_ranks_and_punctuation():
    assert normalise("Juara II, Lomba-Desa!") == "juara 2 lomba desa"


async def test_bulk_refresh_in_chunks_scores_each_pair_once(db):
    from tortoise.transactions import in_transaction

    from service import duplicates

    school = await make_institution("SD Negeri 2 Kutasari")
    rows = [await make_achievement(school, status=AchievementStatus.DRAFT, title="Juara 1 Lomba Mewarnai",
                                   date=dt.date(2026, 5, 1) + dt.timedelta(days=i % 2)) for i in range(3)]
    rows.append(await make_achievement(school, status=AchievementStatus.DRAFT, title="Juara 1 Olimpiade IPA",
                                       date=dt.date(2026, 5, 1)))
    lo, hi = rows[0].id, rows[-1].id
    for chunk in (1, 1000):
        await DuplicateHint.all().delete()
        async with in_transaction() as conn:
            found = await duplicates.refresh_new_rows(conn, school.id, lo, hi, chunk=chunk)
        assert found == 3
        pairs = sorted(await DuplicateHint.all().values_list("achievement_id", "original_id"))
        a, b, c = (r.id for r in rows[:3])
        assert pairs == [(b, a), (c, a), (c, b)]


STUDENTS = ["Rina Kusuma", "Budi Santoso", "Siti Aminah", "Agus Prasetyo", "Dewi Lestari", "Eko Wahyudi",
            "Fitri Handayani"]
SUBJECTS = ["Matematika", "Fisika", "Kimia", "Biologi", "Geografi", "Ekonomi", "Astronomi", "Informatika"]


async def test_import_of_one_event_with_repeating_students_keeps_the_strongest_hints(client, gql):
    """A school imports a large competition: one event, one date, the same students in many categories.
    Every row of one student matches every other; each achievement keeps and shows only its strongest few."""
    from tortoise import connections

    from service import duplicates
    from service.duplicates import MAX_HINTS_PER_ACHIEVEMENT as LIMIT
    from service.duplicates import DuplicateReason, rank_key
    from service.models import AchievementPerson

    school = await make_institution("SMP Negeri 1 Purbalingga")
    login = await make_user(Role.CONTRIBUTOR, school)
    verifier = await make_user(Role.VERIFIER)
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in imports.COLUMNS])
    rows = 7 * 30
    for i in range(rows):
        rank = 1 + i % 3
        # Every fifth row spells the event a little differently: a weaker (still matching) hint.
        event = "Olimpiade Sains & Seni Pelajar Purbalingga 2026" if i % 5 == 0 else \
            "Olimpiade Sains dan Seni Pelajar Purbalingga 2026"
        data = {"Judul Prestasi": f"Juara {rank} Olimpiade {SUBJECTS[(i // 3) % len(SUBJECTS)]}",
                "Nama Kegiatan/Lomba": event, "Penyelenggara": "Dindikbud", "Tingkat": "Kabupaten",
                "Peringkat": f"Juara {rank}", "Kategori": "Tertib Administrasi Desa", "Tanggal": dt.date(2026, 9, 14),
                "Nama Peserta": STUDENTS[i % len(STUDENTS)], "Tautan Bukti": f"https://example.org/berita/{i}"}
        ws.append([data.get(c.header) for c in imports.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    report = await imports.import_upload(await actor_of(login), _reader(buf.getvalue()), "olimpiade.xlsx", None, False)
    assert report.committed and report.problem_count == 0 and report.created_count == rows
    ids = sorted(report.achievement_ids)
    assert await Achievement.filter(institution_id=school.id).count() == rows
    assert await AchievementPerson.filter(achievement_id__in=ids).count() == rows

    stored = await DuplicateHint.all().values_list("achievement_id", "original_id", "reason", "score")
    assert report.duplicate_hints == len(stored) <= LIMIT * rows
    # Unbounded, each row matches the 29 others of its student: every pair of them, once.
    async with connections.get("default")._in_transaction() as conn:
        every = await duplicates.find_hints(conn, ids, files=False, limit=None)
    assert len(every) == 7 * (30 * 29 // 2) > len(stored)

    def strongest(pairs):
        return sorted(pairs, key=lambda p: rank_key(p[1], p[2], p[0]))[:LIMIT]

    # Each achievement keeps its strongest hints to the rows before it, no more than LIMIT, ties to the lowest id.
    for aid in ids:
        kept = sorted((o, DuplicateReason(r), s) for a, o, r, s in stored if a == aid)
        candidates = [(o, r, s) for (a, o, r), s in every.items() if a == aid]
        assert len(kept) <= LIMIT
        assert kept == sorted(strongest(candidates))
    weaker = [s for *_, s in stored if s < 100]
    assert weaker and all(s >= 90 for s in weaker)

    # possibleDuplicates shows the same bound and the same order, from either side of a pair.
    for aid in (ids[0], ids[1], ids[100], ids[-1]):
        shown = [(h["achievement"]["id"], h["reason"], h["score"])
                 for h in await hints(gql, verifier, await Achievement.get(id=aid))]
        incident = [(a if o == aid else o, DuplicateReason(r), s) for a, o, r, s in stored if aid in (a, o)]
        expected = [(encode_id("Achievement", o), r.value, s) for o, r, s in strongest(incident)]
        assert shown == expected and 0 < len(shown) <= LIMIT
    # The first row of a student is chosen by all the later ones; it shows its LIMIT strongest.
    first = [(h["achievement"]["id"], h["score"]) for h in await hints(gql, verifier, await Achievement.get(id=ids[1]))]
    assert len(first) == LIMIT and all(score == 100 for _, score in first)
