"""The demo data set: coverage of the regency and the enums, consistent denormalised columns, demo logins."""

from __future__ import annotations

import datetime as dt

from service import accounts, demo
from service.enums import (
    LEVEL_ORDER,
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    InstitutionKind,
    Role,
)
from service.models import (
    Achievement,
    AchievementPerson,
    Category,
    Evidence,
    Institution,
    Kecamatan,
    Person,
    PressRelease,
    User,
)
from service.nik import read_nik
from tests.conftest import _empty_tables

N = 120


async def _seed(n: int = N) -> demo.DemoResult:
    result = await demo.seed_demo(n)
    assert result is not None
    return result


async def test_seed_covers_every_kecamatan_level_rank_status_and_kind(db):
    result = await _seed()
    assert result.achievements == N == await Achievement.all().count()
    kec_ids = set(await Kecamatan.all().values_list("id", flat=True))
    assert set(await Achievement.filter(kecamatan_id__isnull=False).values_list("kecamatan_id", flat=True)) == kec_ids
    assert set(await Achievement.all().values_list("level", flat=True)) == set(AchievementLevel)
    assert set(await Achievement.all().values_list("rank", flat=True)) == set(AchievementRank)
    assert set(await Achievement.all().values_list("status", flat=True)) == set(AchievementStatus)
    assert set(await Achievement.all().values_list("achiever_kind", flat=True)) == set(AchieverKind)
    assert set(await Institution.all().values_list("kind", flat=True)) == set(InstitutionKind)
    # Every kecamatan has institutions, including its office and village governments.
    for kec_id in kec_ids:
        kinds = set(await Institution.filter(kecamatan_id=kec_id).values_list("kind", flat=True))
        assert {InstitutionKind.KECAMATAN, InstitutionKind.PEMERINTAH_DESA, InstitutionKind.SEKOLAH,
                InstitutionKind.PUSKESMAS} <= kinds
    assert await Institution.filter(kind=InstitutionKind.PEMERINTAH_DESA).count() == 224
    assert await Institution.filter(kind=InstitutionKind.KELURAHAN).count() == 15


async def test_seed_institution_tree_and_paths(db):
    await _seed(20)
    insts = {i.id: i for i in await Institution.all()}
    for inst in insts.values():
        parent = insts.get(inst.parent_id) if inst.parent_id else None
        assert inst.path == f"{parent.path if parent else '/'}{inst.id}/"
        if inst.kind in (InstitutionKind.PEMERINTAH_DESA, InstitutionKind.KELURAHAN):
            assert parent is not None and parent.kind == InstitutionKind.KECAMATAN
            assert parent.kecamatan_id == inst.kecamatan_id and inst.desa_id is not None
            desa = await inst.desa
            assert inst.name.endswith(desa.name)
            assert desa.is_kelurahan == (inst.kind == InstitutionKind.KELURAHAN)
    dindikbud = await Institution.get(name=demo.DINDIKBUD)
    assert dindikbud.kind == InstitutionKind.PERANGKAT_DAERAH and dindikbud.kecamatan_id is None
    schools = await Institution.filter(kind=InstitutionKind.SEKOLAH)
    assert schools and all(s.parent_id == dindikbud.id and s.kecamatan_id is not None for s in schools)
    assert len({s.kecamatan_id for s in schools}) == 18
    assert await Institution.filter(name__startswith="Pemerintah Desa ").count() == 224


async def test_seed_denormalised_columns_are_consistent(db):
    await _seed()
    today = dt.date.today()
    insts = {i.id: i for i in await Institution.all()}
    cats = {c.id: c for c in await Category.all()}
    persons = {p.id: p for p in await Person.all()}
    links: dict[int, list[int]] = {}
    for a_id, p_id in await AchievementPerson.all().values_list("achievement_id", "person_id"):
        links.setdefault(a_id, []).append(p_id)
    evidence = set(await Evidence.all().values_list("achievement_id", flat=True))
    for a in await Achievement.all():
        inst = insts[a.institution_id]
        cat = cats[a.category_id]
        assert cat.parent_id is not None, "achievements use leaf categories"
        assert a.category_root_id == cat.parent_id
        assert a.institution_kind == inst.kind
        assert (a.kecamatan_id, a.desa_id) == (inst.kecamatan_id, inst.desa_id)
        assert a.level_order == LEVEL_ORDER.index(AchievementLevel(a.level))
        assert today - dt.timedelta(days=5 * 366) <= a.date <= today
        linked = links.get(a.id, [])
        assert a.achiever_kind == (AchieverKind.PERSON if linked else AchieverKind.INSTITUTION)
        assert len(linked) <= 5 and all(persons[p].institution_id == a.institution_id for p in linked)
        assert (a.rank_label is not None) == (a.rank == AchievementRank.PENGHARGAAN)
        status = AchievementStatus(a.status)
        assert (a.submitted_at is None) == (status == AchievementStatus.DRAFT)
        assert (a.verified_at is not None) == (status == AchievementStatus.VERIFIED)
        assert (a.rejection_reason is not None) == (status == AchievementStatus.REJECTED)
        assert (a.id in evidence) == (status != AchievementStatus.DRAFT)
        if a.verified_at is not None:
            assert a.submitted_at <= a.verified_at <= dt.datetime.now(dt.UTC)
        assert a.title.strip() and a.event_name.strip() and a.organizer.strip()


async def test_seed_fits_categories_to_institutions(db):
    await _seed()
    roots = {c.id: c.slug for c in await Category.filter(parent_id__isnull=True)}
    allowed = {
        InstitutionKind.SEKOLAH: {"pendidikan-akademik", "olahraga", "seni-budaya", "lingkungan-hidup",
                                  "kepemudaan", "teknologi-inovasi", "keagamaan"},
        InstitutionKind.PEMERINTAH_DESA: {"pemerintahan-tata-kelola", "kesehatan", "lingkungan-hidup",
                                          "ekonomi-umkm", "pariwisata", "sosial-kemasyarakatan",
                                          "pertanian-pangan"},
        InstitutionKind.PUSKESMAS: {"kesehatan"},
    }
    for kind, root_id in await Achievement.all().values_list("institution_kind", "category_root_id"):
        if kind in allowed:
            assert roots[root_id] in allowed[kind], (kind, roots[root_id])


async def test_seed_persons_with_and_without_consent_and_personal_data(db):
    await _seed(20)
    assert await Person.filter(publication_consent=True).exists()
    assert await Person.filter(publication_consent=False).exists()
    with_nik = [(read_nik(p), p.birth_date) for p in await Person.filter(nik_encrypted__isnull=False)]
    assert with_nik and await Person.filter(nik_encrypted__isnull=True).exists()
    for nik, birth in with_nik:
        assert len(nik) == 16 and nik.isdigit() and nik.startswith("3303") and birth is not None
        assert nik.endswith("0000"), "serial 0000 is never issued, so demo NIKs cannot be real ones"


async def test_seed_demo_accounts_for_every_role_log_in(db):
    result = await _seed(10)
    assert {login.role for login in result.logins} == set(Role)
    assert all(len(login.password) >= accounts.MIN_PASSWORD_LENGTH for login in result.logins)
    contributors = {login.username: login.institution for login in result.logins if login.role == Role.CONTRIBUTOR}
    kinds = set()
    for username, inst_name in contributors.items():
        user = await User.get(username=username).prefetch_related("institution")
        assert user.institution.name == inst_name
        kinds.add(user.institution.kind)
    assert {InstitutionKind.PERANGKAT_DAERAH, InstitutionKind.SEKOLAH, InstitutionKind.KECAMATAN,
            InstitutionKind.PEMERINTAH_DESA} <= kinds
    token, user = await accounts.login("desa.kedungbenda", demo.DEMO_PASSWORD)
    assert token and user.role == Role.CONTRIBUTOR


async def test_seed_drafts_press_releases_for_recent_verified_only(db):
    await demo.seed_demo(80, press_drafts=5)
    releases = await PressRelease.all().prefetch_related("achievement")
    assert len(releases) == 5
    assert all(r.achievement.status == AchievementStatus.VERIFIED for r in releases)
    newest = await Achievement.filter(status=AchievementStatus.VERIFIED).order_by("-verified_at", "-id").limit(5)
    assert {r.achievement_id for r in releases} == {a.id for a in newest}


async def test_seed_if_empty_does_nothing_on_a_filled_database(db):
    await _seed(5)
    assert await demo.seed_demo(5, if_empty=True) is None
    assert await Achievement.all().count() == 5


async def test_seed_twice_adds_rows_and_keeps_ids_usable(db):
    first = await _seed(5)
    second = await demo.seed_demo(5, seed=7)
    assert second is not None and second.logins == []  # demo accounts are made once
    assert await Achievement.all().count() == 10
    assert await Institution.all().count() == 2 * first.institutions
    # The id sequences follow the bulk-inserted rows, so ordinary inserts still work.
    inst = await Institution.create(name="Sanggar Uji", kind=InstitutionKind.LAINNYA, path="/")
    assert inst.id > max(await Institution.exclude(id=inst.id).values_list("id", flat=True))
    person = await Person.create(name="Uji Coba", institution=inst)
    assert person.id > 0


async def test_seed_is_deterministic(db):
    def shape(rows):
        return [(r["title"], r["level"], r["rank"], r["status"], r["date"], r["institution__name"]) for r in rows]

    fields = ("title", "level", "rank", "status", "date", "institution__name")
    await _seed(40)
    first = shape(await Achievement.all().order_by("id").values(*fields))
    await _empty_tables()
    await _seed(40)
    second = shape(await Achievement.all().order_by("id").values(*fields))
    assert first == second


async def test_seed_rebuilds_stats_aggregates(db):
    from service.db import execute

    await _seed(60)
    _, rows = await execute("SELECT SUM(count) AS n FROM achievement_stat_daily")
    assert int(rows[0]["n"]) == 60
    _, rows = await execute(
        "SELECT SUM(count) AS n FROM achievement_stat_daily WHERE status = ?", [AchievementStatus.VERIFIED.value]
    )
    assert int(rows[0]["n"]) == await Achievement.filter(status=AchievementStatus.VERIFIED).count()
