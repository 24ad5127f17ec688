"""Every mutation of the contract is refused, with nothing written, for every caller that may not use it."""

from __future__ import annotations

import pytest

from service.enums import AchievementStatus, Role
from service.models import Achievement, AuditEvent, Category, Institution, Person, User
from tests.acceptance.support import codes, gid
from tests.factories import make_achievement, make_institution, make_user

ANONYMOUS = "ANONYMOUS"
EVERY_CALLER = [ANONYMOUS, Role.ADMIN, Role.VERIFIER, Role.EDITOR, Role.CONTRIBUTOR]

# Who may call each mutation, as API.md says.
MUTATIONS: dict[str, tuple[set, str]] = {
    "logout": ({Role.ADMIN, Role.VERIFIER, Role.EDITOR, Role.CONTRIBUTOR}, "mutation { logout }"),
    "createUser": ({Role.ADMIN}, """mutation($inst: ID!) { createUser(input: {username: "baru", password: "panjang-sekali-1",
        fullName: "Pengguna Baru", role: CONTRIBUTOR, institutionId: $inst}) { user { id } errors { code } } }"""),
    "createInstitution": ({Role.ADMIN}, """mutation { createInstitution(input: {name: "SD Negeri 9 Bobotsari",
        kind: SEKOLAH}) { institution { id } errors { code } } }"""),
    "createCategory": ({Role.ADMIN}, """mutation { createCategory(input: {name: "Robotika"}) {
        category { id } errors { code } } }"""),
    "createPerson": ({Role.ADMIN, Role.CONTRIBUTOR}, """mutation($inst: ID!) { createPerson(input: {name: "Budi Santoso",
        institutionId: $inst, publicationConsent: true}) { person { id } errors { code } } }"""),
    "createAchievement": ({Role.ADMIN, Role.CONTRIBUTOR}, """mutation($inst: ID!, $cat: ID!) { createAchievement(input: {
        title: "Juara 1 Lomba Pidato", eventName: "Lomba Pidato Pelajar", organizer: "Dindikbud", level: KABUPATEN,
        rank: JUARA_1, categoryId: $cat, date: "2026-09-01", institutionId: $inst}) { achievement { id } errors { code } } }"""),
    "updateAchievement": ({Role.ADMIN, Role.CONTRIBUTOR}, """mutation($draft: ID!) { updateAchievement(id: $draft,
        input: {title: "Judul baru"}) { achievement { id } errors { code } } }"""),
    "submitAchievement": ({Role.ADMIN, Role.CONTRIBUTOR}, """mutation($draft: ID!) { submitAchievement(id: $draft) {
        achievement { id } errors { code } } }"""),
    "verifyAchievement": ({Role.ADMIN, Role.VERIFIER}, """mutation($submitted: ID!) { verifyAchievement(id: $submitted) {
        achievement { id } errors { code } } }"""),
    "rejectAchievement": ({Role.ADMIN, Role.VERIFIER}, """mutation($submitted: ID!) { rejectAchievement(id: $submitted,
        reason: "Bukti kurang.") { achievement { id } errors { code } } }"""),
}

REFUSED = [(name, caller) for name, (allowed, _) in MUTATIONS.items() for caller in EVERY_CALLER if caller not in allowed]


async def _snapshot():
    return (
        await User.all().count(), await Institution.all().count(), await Category.all().count(),
        await Person.all().count(), await Achievement.all().count(), await AuditEvent.all().count(),
        sorted(await Achievement.all().values_list("status", "version", "title")),
    )


@pytest.mark.parametrize(("name", "caller"), REFUSED, ids=[f"{n}-{getattr(c, 'value', c)}" for n, c in REFUSED])
async def test_mutation_refused_for_caller(gql, name, caller):
    school = await make_institution()
    draft = await make_achievement(school, status=AchievementStatus.DRAFT)
    submitted = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    login = None if caller == ANONYMOUS else await make_user(caller, school if caller == Role.CONTRIBUTOR else None)
    variables = {
        "inst": gid("Institution", school.id), "cat": gid("Category", draft.category_id),
        "draft": gid("Achievement", draft.id), "submitted": gid("Achievement", submitted.id),
    }
    query = MUTATIONS[name][1]
    used = {k: v for k, v in variables.items() if f"${k}" in query}
    before = await _snapshot()
    body = await gql(query, used, login=login, expect_errors=True)
    assert codes(body) == ["UNAUTHENTICATED" if caller == ANONYMOUS else "FORBIDDEN"]
    assert body["data"] is None
    assert body["errors"][0]["path"] == [name]
    assert await _snapshot() == before


@pytest.mark.parametrize("name", [n for n in MUTATIONS if n != "logout"])
async def test_mutation_allowed_for_an_admin(gql, name):
    """The other side of the matrix: the same documents work for a caller who may use them."""
    school = await make_institution()
    draft = await make_achievement(school, status=AchievementStatus.DRAFT)
    submitted = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    admin = await make_user(Role.ADMIN)
    variables = {
        "inst": gid("Institution", school.id), "cat": gid("Category", draft.category_id),
        "draft": gid("Achievement", draft.id), "submitted": gid("Achievement", submitted.id),
    }
    query = MUTATIONS[name][1]
    body = await gql(query, {k: v for k, v in variables.items() if f"${k}" in query}, login=admin)
    assert body["data"][name]["errors"] == []


async def test_mutation_over_get_is_refused(client):
    resp = await client.get("/graphql", params={"query": "mutation { logout }"})
    assert resp.status_code in (400, 405)


async def test_query_over_get_works(client):
    resp = await client.get("/graphql", params={"query": "{ kecamatanList { code } }"})
    assert resp.status_code == 200 and len(resp.json()["data"]["kecamatanList"]) == 18


async def test_bad_token_is_unauthenticated_even_for_public_fields(gql, client):
    resp = await client.post("/graphql", json={"query": "{ kecamatanList { code } }"},
                             headers={"Authorization": "Bearer tidak-ada"})
    body = resp.json()
    assert codes(body) == ["UNAUTHENTICATED"]
    resp = await client.post("/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": "Basic abc"})
    assert codes(resp.json()) == ["UNAUTHENTICATED"]
