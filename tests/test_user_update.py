"""An administrator corrects an account's full name and byline initials; later bylines follow."""

from __future__ import annotations

from schema.ids import encode_id
from service.enums import Role
from service.models import AuditEvent, User
from tests.factories import make_achievement, make_institution, make_person, make_user

UPDATE_USER = """
mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) {
  user { id fullName initials role } errors { field code message } } }"""
GENERATE = """
mutation($id: ID!) { generatePressRelease(achievementId: $id) { pressRelease { body } errors { code } } }"""


async def _sign(gql, editor) -> str:
    """The byline of a draft the editor generates now."""
    school = await make_institution("SMP Negeri 1 Bobotsari")
    achievement = await make_achievement(school, persons=[await make_person(school, "Gita Ayu Lestari")])
    body = (await gql(GENERATE, {"id": encode_id("Achievement", achievement.id)}, login=editor))["data"][
        "generatePressRelease"]["pressRelease"]["body"]
    return body.rstrip().rsplit("(", 1)[1]


async def test_admin_changes_initials_and_the_next_byline_uses_them(gql):
    admin = await make_user(Role.ADMIN)
    editor = await make_user(Role.EDITOR)
    await User.filter(id=editor.user.id).update(full_name="Lalang Pradistia Utama")
    assert await _sign(gql, editor) == "LPU/Kominfo)"
    uid = encode_id("User", editor.user.id)

    body = await gql(UPDATE_USER, {"id": uid, "input": {"initials": "lpt"}}, login=admin)
    payload = body["data"]["updateUser"]
    assert payload["errors"] == []
    assert payload["user"] == {"id": uid, "fullName": "Lalang Pradistia Utama", "initials": "LPT", "role": "EDITOR"}
    assert await _sign(gql, editor) == "LPT/Kominfo)"

    # A new name alone keeps the initials that were set; clearing them lets the name decide again.
    body = await gql(UPDATE_USER, {"id": uid, "input": {"fullName": "Rina Kusuma Wardani"}}, login=admin)
    assert body["data"]["updateUser"]["user"]["initials"] == "LPT"
    body = await gql(UPDATE_USER, {"id": uid, "input": {"initials": None}}, login=admin)
    assert body["data"]["updateUser"]["user"]["initials"] == "RKW"
    assert await _sign(gql, editor) == "RKW/Kominfo)"

    trail = await AuditEvent.filter(action="user.update", target_id=str(editor.user.id)).order_by("id")
    assert len(trail) == 3
    assert trail[0].before == {"fullName": "Lalang Pradistia Utama", "initials": None}
    assert trail[0].after == {"fullName": "Lalang Pradistia Utama", "initials": "LPT"}
    assert all(e.actor_id == admin.user.id for e in trail)


async def test_bad_initials_or_an_empty_name_are_refused_in_indonesian_and_nothing_changes(gql):
    admin = await make_user(Role.ADMIN)
    editor = await make_user(Role.EDITOR)
    uid = encode_id("User", editor.user.id)
    for bad in ("XX", "A", "ABCDE", "A1", "ÄB"):
        payload = (await gql(UPDATE_USER, {"id": uid, "input": {"initials": bad}}, login=admin))["data"]["updateUser"]
        assert payload["user"] is None
        assert payload["errors"] == [{"field": "initials", "code": "INVALID",
                                      "message": "Inisial harus 2 sampai 4 huruf kapital (bukan XX), misalnya LPU."}]
    payload = (await gql(UPDATE_USER, {"id": uid, "input": {"fullName": "   ", "initials": "ABC"}},
                         login=admin))["data"]["updateUser"]
    assert payload["errors"] == [{"field": "fullName", "code": "REQUIRED", "message": "Nama lengkap wajib diisi."}]
    row = await User.get(id=editor.user.id)
    assert row.full_name == "Pengguna Editor" and row.initials_override is None
    assert not await AuditEvent.filter(action="user.update").exists()

    missing = (await gql(UPDATE_USER, {"id": encode_id("User", 999_999), "input": {"initials": "ABC"}},
                         login=admin))["data"]["updateUser"]
    assert missing["errors"][0]["code"] == "NOT_FOUND" and missing["errors"][0]["message"] == "Pengguna tidak ditemukan."


async def test_only_an_administrator_may_change_an_account(gql):
    school = await make_institution()
    target = await make_user(Role.EDITOR)
    uid = encode_id("User", target.user.id)
    for caller in (await make_user(Role.EDITOR), await make_user(Role.VERIFIER),
                   await make_user(Role.CONTRIBUTOR, school), target):
        body = await gql(UPDATE_USER, {"id": uid, "input": {"initials": "ABC", "fullName": "Bukan Saya"}},
                         login=caller, expect_errors=True)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(UPDATE_USER, {"id": uid, "input": {"initials": "ABC"}}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    row = await User.get(id=target.user.id)
    assert row.initials_override is None and row.full_name == "Pengguna Editor"
