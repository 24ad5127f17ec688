"""Who sees what: drafts, private person fields, names without consent, press releases, and node(id:)."""

from __future__ import annotations

import datetime as dt
import json

from service.enums import AchievementStatus, InstitutionKind, PressReleaseStatus, Role
from service.models import Evidence, PressRelease
from tests.acceptance.support import LIST_IDS, NODE_ACHIEVEMENT, gid, ids
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user

NIK = "3303091204100001"
PERSON = """query($id: ID!) { node(id: $id) { ... on Person { id name nik birthDate phone publicationConsent } } }"""


async def _world():
    dinas = await make_institution("Dinas Pendidikan dan Kebudayaan", InstitutionKind.PERANGKAT_DAERAH,
                                   kecamatan_code=None)
    school = await make_institution("SMP Negeri 1 Bobotsari", parent=dinas)
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    student = await make_person(school, "Rina Kusuma", consent=False, nik=NIK,
                                birth_date=dt.date(2010, 4, 12), phone="081234567890")
    logins = {
        "anonymous": None,
        "school": await make_user(Role.CONTRIBUTOR, school),
        "dinas": await make_user(Role.CONTRIBUTOR, dinas),
        "other": await make_user(Role.CONTRIBUTOR, other),
        "admin": await make_user(Role.ADMIN),
        "verifier": await make_user(Role.VERIFIER),
        "editor": await make_user(Role.EDITOR),
    }
    achievements = {
        status: await make_achievement(school, status=status, persons=[student], title=f"Prestasi {status.value}")
        for status in AchievementStatus
    }
    return school, other, student, logins, achievements


async def test_unverified_achievements_are_hidden_from_public_and_other_institutions(gql):
    _, _, _, logins, achievements = await _world()
    sees_all = {"school", "dinas", "admin", "verifier", "editor"}
    for who, login in logins.items():
        listed = set(ids(await gql(LIST_IDS, {"first": 100}, login=login)))
        for status, a in achievements.items():
            visible = status == AchievementStatus.VERIFIED or who in sees_all
            node = (await gql(NODE_ACHIEVEMENT, {"id": gid("Achievement", a.id)}, login=login))["data"]["node"]
            assert (node is not None) == visible, (who, status)
            assert (gid("Achievement", a.id) in listed) == visible, (who, status)
        # A hidden draft cannot be found by searching or filtering for it either.
        found = ids(await gql(LIST_IDS, {"filter": {"search": "Prestasi DRAFT"}}, login=login))
        assert bool(found) == (who in sees_all)
        total = (await gql(LIST_IDS, {"filter": {"status": "DRAFT"}}, login=login))["data"]["achievements"]
        assert total["totalCount"] == (1 if who in sees_all else 0)


async def test_nik_birth_date_and_phone_never_reach_the_public_or_other_institutions(gql):
    school, _, student, logins, achievements = await _world()
    verified = gid("Achievement", achievements[AchievementStatus.VERIFIED].id)
    deep = """query($id: ID!) { node(id: $id) { ... on Achievement { persons { id name nik birthDate phone } } }
      achievements(first: 50) { edges { node { persons { name nik birthDate phone } } } } }"""
    for who in ("anonymous", "other"):
        raw = json.dumps(await gql(deep, {"id": verified}, login=logins[who]))
        assert NIK not in raw and "081234567890" not in raw and "2010-04-12" not in raw
        assert "Rina Kusuma" not in raw and "R. K." in raw
        person = (await gql(PERSON, {"id": gid("Person", student.id)}, login=logins[who]))["data"]["node"]
        assert person == {"id": gid("Person", student.id), "name": "R. K.", "nik": None, "birthDate": None,
                          "phone": None, "publicationConsent": False}
    for who in ("school", "dinas", "admin", "verifier", "editor"):
        person = (await gql(PERSON, {"id": gid("Person", student.id)}, login=logins[who]))["data"]["node"]
        assert person["name"] == "Rina Kusuma" and person["nik"] == NIK
        assert person["birthDate"] == "2010-04-12" and person["phone"] == "081234567890"


async def test_full_name_reaches_the_public_only_with_consent(gql):
    school = await make_institution()
    agreed = await make_person(school, "Ahmad Fauzi Rahman", consent=True)
    refused = await make_person(school, "siti nur halimah", consent=False)
    a = await make_achievement(school, persons=[agreed, refused])
    node = (await gql(NODE_ACHIEVEMENT, {"id": gid("Achievement", a.id)}))["data"]["node"]
    assert [p["name"] for p in node["persons"]] == ["Ahmad Fauzi Rahman", "S. N. H."]


async def test_person_outside_any_verified_achievement_is_absent_for_the_public(gql):
    school = await make_institution()
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    lone = await make_person(school, "Dewi Lestari", consent=True)
    await make_achievement(school, status=AchievementStatus.DRAFT, persons=[lone])
    pid = gid("Person", lone.id)
    assert (await gql(PERSON, {"id": pid}))["data"]["node"] is None
    assert (await gql(PERSON, {"id": pid}, login=await make_user(Role.CONTRIBUTOR, other)))["data"]["node"] is None
    own = (await gql(PERSON, {"id": pid}, login=await make_user(Role.CONTRIBUTOR, school)))["data"]["node"]
    assert own["name"] == "Dewi Lestari"


async def test_press_releases_public_sees_published_only(gql):
    school = await make_institution()
    a = await make_achievement(school)
    for status in PressReleaseStatus:
        await PressRelease.create(achievement=a, title=f"Rilis {status.value}", body="Isi.", template="plain",
                                  status=status)
    q = """query($id: ID!) { pressReleases(first: 10) { totalCount edges { node { title status } } }
      node(id: $id) { ... on Achievement { pressReleases { status } } } }"""
    public = (await gql(q, {"id": gid("Achievement", a.id)}))["data"]
    assert public["pressReleases"]["totalCount"] == 1
    assert [e["node"]["status"] for e in public["pressReleases"]["edges"]] == ["PUBLISHED"]
    assert public["node"]["pressReleases"] == [{"status": "PUBLISHED"}]
    staff = (await gql(q, {"id": gid("Achievement", a.id)}, login=await make_user(Role.EDITOR)))["data"]
    assert staff["pressReleases"]["totalCount"] == 4
    hidden = await PressRelease.get(status=PressReleaseStatus.DRAFT)
    nq = "query($id: ID!) { node(id: $id) { id } }"
    assert (await gql(nq, {"id": gid("PressRelease", hidden.id)}))["data"]["node"] is None


async def test_node_resolves_every_type(gql):
    from service.models import Category, Desa, Kecamatan

    school = await make_institution()
    person = await make_person(school, consent=True)
    a = await make_achievement(school, persons=[person])
    evidence = await Evidence.get(achievement_id=a.id)
    release = await PressRelease.create(achievement=a, title="Rilis", body="Isi.", template="plain",
                                        status=PressReleaseStatus.PUBLISHED)
    admin = await make_user(Role.ADMIN)
    kec = await Kecamatan.get(code="33.03.09")
    desa = await Desa.filter(kecamatan_id=kec.id).first()
    cat = await leaf_category()
    objects = {
        "Kecamatan": kec.id, "Desa": desa.id, "Category": cat.id, "Institution": school.id, "Person": person.id,
        "Achievement": a.id, "Evidence": evidence.id, "PressRelease": release.id, "User": admin.user.id,
    }
    q = "query($id: ID!) { node(id: $id) { __typename id } }"
    for type_name, pk in objects.items():
        node = (await gql(q, {"id": gid(type_name, pk)}, login=admin))["data"]["node"]
        assert node == {"__typename": type_name, "id": gid(type_name, pk)}
        # An ID that points nowhere is simply absent.
        assert (await gql(q, {"id": gid(type_name, 987654)}, login=admin))["data"]["node"] is None
    for junk in ("", "xyz", gid("Unknown", 1), "Q2F0ZWdvcnk6YWJj", "%%%", "A" * 500):
        assert (await gql(q, {"id": junk}))["data"]["node"] is None
    assert await Category.all().count() > 0


async def test_hidden_evidence_and_draft_release_behave_as_absent(gql):
    school = await make_institution()
    draft = await make_achievement(school, status=AchievementStatus.DRAFT)
    evidence = await Evidence.get(achievement_id=draft.id)
    q = "query($id: ID!) { node(id: $id) { id } }"
    assert (await gql(q, {"id": gid("Evidence", evidence.id)}))["data"]["node"] is None
    other = await make_user(Role.CONTRIBUTOR, await make_institution("SD Lain", kecamatan_code="33.03.01"))
    assert (await gql(q, {"id": gid("Evidence", evidence.id)}, login=other))["data"]["node"] is None


async def test_contributor_sees_verified_of_others_and_all_of_its_own(gql):
    school = await make_institution()
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    mine = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    theirs_verified = await make_achievement(other)
    theirs_draft = await make_achievement(other, status=AchievementStatus.DRAFT)
    login = await make_user(Role.CONTRIBUTOR, school)
    listed = set(ids(await gql(LIST_IDS, {"first": 100}, login=login)))
    assert listed == {gid("Achievement", mine.id), gid("Achievement", theirs_verified.id)}
    assert gid("Achievement", theirs_draft.id) not in listed


async def test_press_release_body_format_defaults_and_accepts_null(gql):
    school = await make_institution()
    a = await make_achievement(school)
    release = await PressRelease.create(achievement=a, title="Rilis", body="Paragraf **tebal**.", template="plain",
                                        status=PressReleaseStatus.PUBLISHED)
    q = """query($id: ID!) { node(id: $id) { ... on PressRelease {
      plain: body markdown: body(format: MARKDOWN) nothing: body(format: null) html: body(format: HTML) } } }"""
    node = (await gql(q, {"id": gid("PressRelease", release.id)}))["data"]["node"]
    assert node["plain"] == node["markdown"] == node["nothing"] == "Paragraf **tebal**."
    assert "<strong>tebal</strong>" in node["html"]
