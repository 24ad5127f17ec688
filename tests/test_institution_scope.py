"""The institution-scope rule: a contributor acts only for its institution and those below it."""

from __future__ import annotations

from schema.ids import encode_id
from service.enums import AchievementStatus, InstitutionKind, Role
from service.models import Achievement, Person
from tests.factories import leaf_category, make_achievement, make_institution, make_user

DENIED = {"FORBIDDEN", "NOT_FOUND"}


def codes_of(body: dict, field: str) -> set[str]:
    codes = {e["extensions"]["code"] for e in body.get("errors", [])}
    payload = (body.get("data") or {}).get(field)
    if payload:
        codes |= {e["code"] for e in payload["errors"]}
    return codes


async def _setup():
    dinas = await make_institution("Dinas Pendidikan dan Kebudayaan", kind=InstitutionKind.PERANGKAT_DAERAH)
    school = await make_institution("SMP Negeri 3 Purbalingga", parent=dinas)
    stranger_inst = await make_institution("SD Negeri 1 Karangreja", kecamatan_code="33.03.14")
    stranger = await make_user(Role.CONTRIBUTOR, stranger_inst)
    parent_op = await make_user(Role.CONTRIBUTOR, dinas)
    draft = await make_achievement(school, status=AchievementStatus.DRAFT)
    return dinas, school, stranger, parent_op, draft


async def achievement_input(institution) -> dict:
    category = await leaf_category()
    return {
        "title": "Juara 2 Lomba Cerdas Cermat", "eventName": "Lomba Cerdas Cermat Tingkat Kabupaten",
        "organizer": "Dindikbud Purbalingga", "level": "KABUPATEN", "rank": "JUARA_2",
        "categoryId": encode_id("Category", category.id), "date": "2026-08-17",
        "institutionId": encode_id("Institution", institution.id),
        "evidenceUrls": ["https://example.org/piagam.pdf"],
    }


async def test_other_institution_cannot_update_or_submit(gql):
    _, _, stranger, _, draft = await _setup()
    aid = encode_id("Achievement", draft.id)
    body = await gql('mutation($id: ID!) { updateAchievement(id: $id, input: {title: "Diubah orang lain"}) '
                     '{ achievement { id } errors { code } } }', {"id": aid}, login=stranger, expect_errors=True)
    assert codes_of(body, "updateAchievement") & DENIED, body
    body = await gql("mutation($id: ID!) { submitAchievement(id: $id) { achievement { id } errors { code } } }",
                     {"id": aid}, login=stranger, expect_errors=True)
    assert codes_of(body, "submitAchievement") & DENIED, body
    row = await Achievement.get(id=draft.id)
    assert row.status == AchievementStatus.DRAFT and row.title == draft.title and row.version == draft.version


async def test_other_institution_cannot_create_for_it(gql):
    _, school, stranger, _, _ = await _setup()
    before = await Achievement.all().count()
    body = await gql("mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id } errors { code } } }",
                     {"i": await achievement_input(school)}, login=stranger, expect_errors=True)
    assert codes_of(body, "createAchievement") & DENIED, body
    assert await Achievement.all().count() == before
    body = await gql(
        "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } errors { code } } }",
        {"i": {"name": "Budi Santoso", "institutionId": encode_id("Institution", school.id),
               "publicationConsent": True}},
        login=stranger, expect_errors=True,
    )
    assert codes_of(body, "createPerson") & DENIED, body
    assert not await Person.filter(name="Budi Santoso").exists()


async def test_parent_institution_acts_for_those_below(gql):
    _, school, _, parent_op, draft = await _setup()
    body = await gql("mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id } errors { code } } }",
                     {"i": await achievement_input(school)}, login=parent_op)
    assert body["data"]["createAchievement"]["errors"] == []
    body = await gql("mutation($id: ID!) { submitAchievement(id: $id) { achievement { status } errors { code } } }",
                     {"id": encode_id("Achievement", draft.id)}, login=parent_op)
    assert body["data"]["submitAchievement"]["achievement"]["status"] == "SUBMITTED"


async def test_child_institution_cannot_act_for_its_parent(gql):
    dinas, school, _, _, _ = await _setup()
    child_op = await make_user(Role.CONTRIBUTOR, school)
    body = await gql("mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id } errors { code } } }",
                     {"i": await achievement_input(dinas)}, login=child_op, expect_errors=True)
    assert codes_of(body, "createAchievement") & DENIED, body


async def test_other_institution_does_not_see_drafts(gql):
    _, _, stranger, _, draft = await _setup()
    body = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": encode_id("Achievement", draft.id)},
                     login=stranger)
    assert body["data"]["node"] is None


CREATE = "mutation($input: AchievementInput!) { createAchievement(input: $input) { achievement { id } errors { code } } }"
WITHIN = """query($within: ID!, $search: String) { institutions(filter: {within: $within, search: $search}, first: 100) {
  totalCount edges { node { name } } } }"""


async def test_within_lists_an_institution_and_every_one_below_it_the_ones_its_operators_may_act_for(gql):
    dinas, school, stranger, parent_op, _ = await _setup()
    unit = await make_institution("SD Negeri 2 Purbalingga Filial", parent=school)  # two levels down
    names = lambda body: [e["node"]["name"] for e in body["data"]["institutions"]["edges"]]  # noqa: E731
    body = await gql(WITHIN, {"within": encode_id("Institution", dinas.id)}, login=parent_op)
    assert names(body) == ["Dinas Pendidikan dan Kebudayaan", "SD Negeri 2 Purbalingga Filial", "SMP Negeri 3 Purbalingga"]
    assert body["data"]["institutions"]["totalCount"] == 3
    body = await gql(WITHIN, {"within": encode_id("Institution", school.id), "search": "filial"})
    assert names(body) == ["SD Negeri 2 Purbalingga Filial"]
    body = await gql(WITHIN, {"within": encode_id("Institution", 999_999)})
    assert names(body) == []
    body = await gql(WITHIN, {"within": encode_id("Person", dinas.id)}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID" and "bukan ID Institution" in body["errors"][0]["message"]
    # Every one listed is one the operator may enter an achievement for; the one outside is not.
    for inst in (dinas, school, unit):
        r = await gql(CREATE, {"input": await achievement_input(inst)}, login=parent_op)
        assert r["data"]["createAchievement"]["errors"] == [], inst.name
    stranger_inst = await make_institution("SD Negeri 4 Karangreja", kecamatan_code="33.03.14")
    r = await gql(CREATE, {"input": await achievement_input(stranger_inst)}, login=parent_op, expect_errors=True)
    assert codes_of(r, "createAchievement") & DENIED
