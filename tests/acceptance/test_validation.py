"""Validation of achievement and directory input: field, code and an Indonesian message; nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from service.enums import AchievementStatus, InstitutionKind, Role
from service.models import Achievement, AuditEvent, Desa, Kecamatan, Person
from service.text import today_wib
from tests.acceptance.support import CREATE, UPDATE, achievement_input, gid, payload
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user

TOMORROW = (today_wib() + dt.timedelta(days=1)).isoformat()


async def _desa_outside(kecamatan_code: str) -> Desa:
    kec = await Kecamatan.get(code=kecamatan_code)
    return await Desa.exclude(kecamatan_id=kec.id).first()


@pytest.mark.parametrize(("overrides", "field", "code", "words"), [
    ({"title": "   "}, "title", "REQUIRED", "wajib diisi"),
    ({"eventName": ""}, "eventName", "REQUIRED", "wajib diisi"),
    ({"organizer": " \t "}, "organizer", "REQUIRED", "wajib diisi"),
    ({"title": "x" * 301}, "title", "INVALID", "terlalu panjang"),
    ({"date": TOMORROW}, "date", "INVALID", "tidak boleh di masa depan"),
    ({"date": "1900-01-01"}, "date", "INVALID", "tidak masuk akal"),
    ({"rank": "PENGHARGAAN"}, "rankLabel", "REQUIRED", "sebutan penghargaan"),
    ({"evidenceUrls": ["ftp://example.org/piagam.pdf"]}, "evidenceUrls", "INVALID", "http"),
    ({"evidenceUrls": ["javascript:alert(1)"]}, "evidenceUrls", "INVALID", "http"),
    ({"categoryId": gid("Category", 999999)}, "categoryId", "NOT_FOUND", "Kategori"),
    ({"categoryId": "bukan-id"}, "categoryId", "INVALID", "bukan ID"),
    ({"institutionId": gid("Institution", 999999)}, "institutionId", "NOT_FOUND", "Instansi"),
    ({"kecamatanId": gid("Kecamatan", 999999)}, "kecamatanId", "NOT_FOUND", "Kecamatan"),
    ({"personIds": [gid("Person", 999999)]}, "personIds", "NOT_FOUND", "tidak ditemukan"),
])
async def test_create_achievement_validation(gql, overrides, field, code, words):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    body = await gql(CREATE, {"input": achievement_input(school, await leaf_category(), **overrides)}, login=operator)
    result = payload(body, "createAchievement")
    assert result["achievement"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert words.lower() in result["errors"][0]["message"].lower()
    assert result["errors"][0]["message"].rstrip().endswith(".")
    assert await Achievement.all().count() == 0 and await AuditEvent.all().count() == 0


async def test_several_problems_are_reported_together(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    body = await gql(CREATE, {"input": achievement_input(school, await leaf_category(), title="", organizer=" ",
                                                         date=TOMORROW)}, login=operator)
    errors = payload(body, "createAchievement")["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("title", "REQUIRED"), ("organizer", "REQUIRED"), ("date", "INVALID")}


async def test_desa_must_lie_in_the_kecamatan(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    kec = await Kecamatan.get(code="33.03.09")
    desa = await _desa_outside("33.03.09")
    body = await gql(CREATE, {"input": achievement_input(
        school, await leaf_category(), kecamatanId=gid("Kecamatan", kec.id), desaId=gid("Desa", desa.id))},
        login=operator)
    errors = payload(body, "createAchievement")["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("desaId", "INVALID")]
    assert desa.name in errors[0]["message"] and kec.name in errors[0]["message"]


async def test_desa_alone_sets_its_kecamatan(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    desa = await _desa_outside("33.03.09")
    body = await gql(CREATE, {"input": achievement_input(school, await leaf_category(), desaId=gid("Desa", desa.id))},
                     login=operator)
    a = payload(body, "createAchievement")["achievement"]
    assert a["desa"]["id"] == gid("Desa", desa.id)
    assert a["kecamatan"]["id"] == gid("Kecamatan", desa.kecamatan_id)


async def test_regency_wide_institution_gives_no_kecamatan(gql):
    dinas = await make_institution("Dinas Kesehatan", InstitutionKind.PERANGKAT_DAERAH, kecamatan_code=None)
    operator = await make_user(Role.CONTRIBUTOR, dinas)
    a = payload(await gql(CREATE, {"input": achievement_input(dinas, await leaf_category("puskesmas-berprestasi"))},
                          login=operator), "createAchievement")["achievement"]
    assert a["kecamatan"] is None and a["desa"] is None


async def test_persons_must_belong_to_the_institution_or_to_none(gql):
    school = await make_institution()
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    operator = await make_user(Role.CONTRIBUTOR, school)
    own = await make_person(school, "Rina Kusuma")
    free = await make_person(None, "Joko Susilo")
    foreign = await make_person(other, "Bambang Wijaya", consent=False)
    ok = await gql(CREATE, {"input": achievement_input(
        school, await leaf_category(), personIds=[gid("Person", own.id), gid("Person", free.id)])}, login=operator)
    assert payload(ok, "createAchievement")["errors"] == []
    bad = await gql(CREATE, {"input": achievement_input(
        school, await leaf_category(), personIds=[gid("Person", own.id), gid("Person", foreign.id)])}, login=operator)
    errors = payload(bad, "createAchievement")["errors"]
    # Another institution's person is answered exactly as an id that does not exist: nothing tells it exists.
    made_up = await gql(CREATE, {"input": achievement_input(
        school, await leaf_category(), personIds=[gid("Person", own.id), gid("Person", 999_999)])}, login=operator)
    assert errors == payload(made_up, "createAchievement")["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("personIds", "NOT_FOUND")]
    assert "Bambang" not in errors[0]["message"] and "B. W." not in errors[0]["message"]
    assert await Achievement.all().count() == 1


async def test_update_validates_only_what_it_changes_and_trims(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    a = await make_achievement(school, status=AchievementStatus.DRAFT)
    aid = gid("Achievement", a.id)
    bad = payload(await gql(UPDATE, {"id": aid, "input": {"title": "  ", "date": TOMORROW}}, login=operator),
                  "updateAchievement")
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {("title", "REQUIRED"), ("date", "INVALID")}
    assert (await Achievement.get(id=a.id)).version == a.version
    good = payload(await gql(UPDATE, {"id": aid, "input": {"title": "  Juara   2 Lomba  ", "location": " "}},
                             login=operator), "updateAchievement")
    assert good["errors"] == []
    assert good["achievement"]["title"] == "Juara 2 Lomba" and good["achievement"]["location"] is None
    assert good["achievement"]["eventName"] == a.event_name
    event = await AuditEvent.get(action="achievement.update")
    assert event.before["title"] == a.title and event.after["title"] == "Juara 2 Lomba"


async def test_create_person_validation_and_scope(gql):
    school = await make_institution()
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    operator = await make_user(Role.CONTRIBUTOR, school)
    q = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
      person { id name nik institution { id } kecamatan { code } } errors { field code message } } }"""
    base = {"name": " Rina  Kusuma ", "institutionId": gid("Institution", school.id), "publicationConsent": False}
    ok = payload(await gql(q, {"input": {**base, "nik": "3303091204100001"}}, login=operator), "createPerson")
    assert ok["errors"] == [] and ok["person"]["name"] == "Rina Kusuma"
    assert ok["person"]["nik"] == "3303091204100001" and ok["person"]["kecamatan"]["code"] == "33.03.09"
    bad = payload(await gql(q, {"input": {**base, "nik": "12345", "birthDate": TOMORROW, "name": ""}},
                            login=operator), "createPerson")
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {
        ("nik", "INVALID"), ("birthDate", "INVALID"), ("name", "REQUIRED")}
    refused = await gql(q, {"input": {**base, "institutionId": gid("Institution", other.id)}}, login=operator,
                        expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Person.all().count() == 1
    event = await AuditEvent.get(action="person.create")
    assert "3303091204100001" not in str(event.after)


async def test_create_institution_and_category(gql):
    admin = await make_user(Role.ADMIN)
    dinas = await make_institution("Dinas Pendidikan dan Kebudayaan", InstitutionKind.PERANGKAT_DAERAH,
                                   kecamatan_code=None)
    kec = await Kecamatan.get(code="33.03.09")
    qi = """mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) {
      institution { id name kind parent { id } kecamatan { code } } errors { field code message } } }"""
    ok = payload(await gql(qi, {"input": {"name": "SMP Negeri 2 Bobotsari", "kind": "SEKOLAH",
                                          "kecamatanId": gid("Kecamatan", kec.id),
                                          "parentId": gid("Institution", dinas.id)}}, login=admin), "createInstitution")
    assert ok["errors"] == [] and ok["institution"]["parent"]["id"] == gid("Institution", dinas.id)
    # A contributor of the Dinas now acts for the new school.
    operator = await make_user(Role.CONTRIBUTOR, dinas)
    new_school_id = ok["institution"]["id"]
    created = await gql(CREATE, {"input": {**achievement_input(dinas, await leaf_category()),
                                           "institutionId": new_school_id}}, login=operator)
    assert payload(created, "createAchievement")["errors"] == []
    dup = payload(await gql(qi, {"input": {"name": "SMP Negeri 2 Bobotsari", "kind": "SEKOLAH",
                                           "parentId": gid("Institution", dinas.id)}}, login=admin), "createInstitution")
    assert [(e["field"], e["code"]) for e in dup["errors"]] == [("name", "DUPLICATE")]
    desa = await _desa_outside("33.03.09")
    mismatch = payload(await gql(qi, {"input": {"name": "SD X", "kind": "SEKOLAH", "kecamatanId": gid("Kecamatan", kec.id),
                                                "desaId": gid("Desa", desa.id)}}, login=admin), "createInstitution")
    assert [(e["field"], e["code"]) for e in mismatch["errors"]] == [("desaId", "INVALID")]

    qc = """mutation($input: CreateCategoryInput!) { createCategory(input: $input) {
      category { id slug name parent { slug } } errors { field code message } } }"""
    root = (await leaf_category()).parent_id
    cat = payload(await gql(qc, {"input": {"name": "Gamelan", "parentId": gid("Category", root)}}, login=admin),
                  "createCategory")
    assert cat["errors"] == [] and cat["category"]["parent"]["slug"] == "seni-budaya"
    deep = payload(await gql(qc, {"input": {"name": "Gamelan Jawa", "parentId": cat["category"]["id"]}}, login=admin),
                   "createCategory")
    assert [(e["field"], e["code"]) for e in deep["errors"]] == [("parentId", "INVALID")]
    again = payload(await gql(qc, {"input": {"name": "Gamelan", "parentId": gid("Category", root)}}, login=admin),
                    "createCategory")
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("name", "DUPLICATE")]
    assert await AuditEvent.filter(action__in=["institution.create", "category.create"]).count() == 2
