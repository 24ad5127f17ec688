"""Accounts over HTTP: login, tokens (hashed, expiring, revocable), throttling, me, createUser."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from service import accounts
from service.config import get_settings
from service.enums import Role
from service.models import AuditEvent, AuthToken, LoginThrottle, User
from tests.acceptance.support import codes, gid, payload
from tests.factories import make_institution, make_user
from web.app import create_app

LOGIN = """mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { token user { id username role institution { name } } errors { field code message } }
}"""
ME = "{ me { id username fullName role institution { id name } } }"
CREATE_USER = """mutation($input: CreateUserInput!) {
  createUser(input: $input) { user { id username fullName role institution { id } } errors { field code message } }
}"""
PASSWORD = "rahasia-sekali-123"  # the factories' password


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """Records the slow-down of failed logins instead of sleeping through it."""
    seen: list[float] = []

    async def record(seconds: float) -> None:
        seen.append(seconds)

    monkeypatch.setattr(accounts, "_pause", record)
    return seen


async def _login(gql, username: str, password: str) -> dict:
    return payload(await gql(LOGIN, {"u": username, "p": password}), "login")


async def test_login_me_and_logout(gql):
    school = await make_institution("SMP Negeri 3 Purbalingga")
    existing = await make_user(Role.CONTRIBUTOR, school, username="operator.smp3")
    result = await _login(gql, "operator.smp3", PASSWORD)
    assert result["errors"] == []
    token = result["token"]
    assert len(token) >= 43, "256 random bits, URL-safe"
    assert result["user"]["username"] == "operator.smp3" and result["user"]["role"] == "CONTRIBUTOR"
    # Only a hash of the token is stored.
    assert not await AuthToken.filter(token_hash=token).exists()
    assert await AuthToken.filter(token_hash=accounts.hash_token(token)).exists()
    row = await AuthToken.get(token_hash=accounts.hash_token(token))
    lifetime = row.expires_at - row.created_at
    assert dt.timedelta(hours=get_settings().token_ttl_hours) - lifetime < dt.timedelta(minutes=1)
    assert get_settings().token_ttl_hours == 12

    headers = {"Authorization": f"Bearer {token}"}
    me = (await gql.client.post("/graphql", json={"query": ME}, headers=headers)).json()
    assert me["data"]["me"]["username"] == "operator.smp3"
    assert me["data"]["me"]["institution"]["name"] == "SMP Negeri 3 Purbalingga"
    assert me["data"]["me"]["id"] == gid("User", existing.user.id)

    out = (await gql.client.post("/graphql", json={"query": "mutation { logout }"}, headers=headers)).json()
    assert out == {"data": {"logout": True}}
    # The revoked token no longer works, not even for public fields.
    again = (await gql.client.post("/graphql", json={"query": ME}, headers=headers)).json()
    assert codes(again) == ["UNAUTHENTICATED"]
    # Another session of the same user stays valid.
    assert (await gql(ME, login=existing))["data"]["me"]["username"] == "operator.smp3"
    assert await AuditEvent.filter(action="logout", actor_id=existing.user.id).count() == 1
    assert await AuditEvent.filter(action="login", target_id=str(existing.user.id)).count() == 1


async def test_me_is_null_for_anonymous(gql):
    assert (await gql(ME))["data"]["me"] is None


async def test_logout_needs_a_token(gql):
    body = await gql("mutation { logout }", expect_errors=True)
    assert codes(body) == ["UNAUTHENTICATED"]


async def test_expired_token_is_unauthenticated(gql):
    login = await make_user(Role.ADMIN)
    await AuthToken.filter(user_id=login.user.id).update(
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    body = await gql(ME, login=login, expect_errors=True)
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] == {"me": None}


async def test_deactivated_user_token_is_unauthenticated(gql):
    login = await make_user(Role.EDITOR)
    await User.filter(id=login.user.id).update(is_active=False)
    assert codes(await gql(ME, login=login, expect_errors=True)) == ["UNAUTHENTICATED"]


async def test_wrong_password_and_unknown_user_give_the_same_error(gql, pauses):
    await make_user(Role.VERIFIER, username="verifikator")
    wrong = await _login(gql, "verifikator", "salah-sekali-123")
    unknown = await _login(gql, "tidak.ada", "salah-sekali-123")
    assert wrong["token"] is None and wrong["user"] is None
    assert wrong["errors"] == unknown["errors"]
    assert wrong["errors"][0]["code"] == "INVALID" and wrong["errors"][0]["field"] is None
    assert "salah" in wrong["errors"][0]["message"]


@pytest.mark.parametrize("exists", [True, False], ids=["existing-user", "unknown-user"])
async def test_failed_logins_are_slowed_then_rate_limited(gql, pauses, exists):
    if exists:
        await make_user(Role.EDITOR, username="editor.ikp")
    limit = get_settings().login_max_failures
    assert limit == 5
    for _ in range(limit):
        result = await _login(gql, "editor.ikp", "bukan-kata-sandinya")
        assert [e["code"] for e in result["errors"]] == ["INVALID"]
    # Failures after the second are slowed down, more with each one.
    assert len(pauses) == limit - 2 and pauses == sorted(pauses) and pauses[0] > 0
    # Then refused outright, even with the right password, and the case of the name does not matter.
    for name, password in (("editor.ikp", "bukan-kata-sandinya"), ("EDITOR.IKP", PASSWORD)):
        result = await _login(gql, name, password)
        assert result["token"] is None
        assert [e["code"] for e in result["errors"]] == ["RATE_LIMITED"]
        assert "Coba lagi dalam" in result["errors"][0]["message"]
    # Another username is not affected.
    await make_user(Role.EDITOR, username="editor.lain")
    assert (await _login(gql, "editor.lain", PASSWORD))["errors"] == []


async def test_rate_limit_is_shared_by_server_processes(db, pauses):
    """Two app instances (as two workers would be) count the failures of one username together."""
    await make_user(Role.ADMIN, username="admin.kominfo")
    apps = [create_app(manage_database=False), create_app(manage_database=False)]
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://testserver") for a in apps]
    try:
        for i in range(5):
            body = (await clients[i % 2].post("/graphql", json={
                "query": LOGIN, "variables": {"u": "admin.kominfo", "p": "tebakan-ke-" + str(i)}})).json()
            assert body["data"]["login"]["errors"][0]["code"] == "INVALID"
        for c in clients:
            body = (await c.post("/graphql", json={"query": LOGIN, "variables": {"u": "admin.kominfo", "p": PASSWORD}})).json()
            assert body["data"]["login"]["errors"][0]["code"] == "RATE_LIMITED"
    finally:
        for c in clients:
            await c.aclose()
    assert (await LoginThrottle.get(key="user:admin.kominfo")).failures == 5


async def test_lockout_ends_and_success_resets_the_count(gql, pauses):
    await make_user(Role.VERIFIER, username="verif.dua")
    for _ in range(5):
        await _login(gql, "verif.dua", "keliru-keliru-1")
    assert (await _login(gql, "verif.dua", PASSWORD))["errors"][0]["code"] == "RATE_LIMITED"
    # The lockout and the window run out.
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await LoginThrottle.all().update(locked_until=past, window_start=past)
    assert (await _login(gql, "verif.dua", PASSWORD))["errors"] == []
    assert not await LoginThrottle.filter(key="user:verif.dua").exists()


async def test_admin_creates_users(gql):
    admin = await make_user(Role.ADMIN)
    school = await make_institution()
    body = await gql(CREATE_USER, {"input": {
        "username": "operator.sd1", "password": "kata-sandi-panjang", "fullName": "  Siti Aminah ",
        "role": "CONTRIBUTOR", "institutionId": gid("Institution", school.id)}}, login=admin)
    result = payload(body, "createUser")
    assert result["errors"] == []
    assert result["user"]["fullName"] == "Siti Aminah" and result["user"]["role"] == "CONTRIBUTOR"
    assert result["user"]["institution"]["id"] == gid("Institution", school.id)
    stored = await User.get(username="operator.sd1")
    assert stored.password_hash.startswith("$argon2id$") and "kata-sandi-panjang" not in stored.password_hash
    event = await AuditEvent.get(action="user.create")
    assert event.actor_id == admin.user.id and "password" not in str(event.after)
    # The new account can log in.
    assert (await _login(gql, "operator.sd1", "kata-sandi-panjang"))["errors"] == []


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"password": "pendek"}, [("password", "INVALID")]),
    ({"username": "  "}, [("username", "REQUIRED")]),
    ({"username": "nama dengan spasi"}, [("username", "INVALID")]),
    ({"fullName": ""}, [("fullName", "REQUIRED")]),
    ({"institutionId": None}, [("institutionId", "REQUIRED")]),
    ({"institutionId": gid("Institution", 999999)}, [("institutionId", "NOT_FOUND")]),
    ({"institutionId": "bukan-id"}, [("institutionId", "INVALID")]),
    ({"username": "sudah.ada"}, [("username", "DUPLICATE")]),
])
async def test_create_user_validation(gql, overrides, expected):
    admin = await make_user(Role.ADMIN, username="sudah.ada")
    school = await make_institution()
    data = {"username": "operator.baru", "password": "kata-sandi-panjang", "fullName": "Siti Aminah",
            "role": "CONTRIBUTOR", "institutionId": gid("Institution", school.id), **overrides}
    result = payload(await gql(CREATE_USER, {"input": data}, login=admin), "createUser")
    assert result["user"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == expected
    assert all(e["message"].endswith(".") or e["message"].endswith(")") for e in result["errors"])
    assert await User.all().count() == 1
    assert not await AuditEvent.filter(action="user.create").exists()


async def test_user_node_visible_to_self_and_admin_only(gql):
    admin = await make_user(Role.ADMIN)
    editor = await make_user(Role.EDITOR)
    other = await make_user(Role.VERIFIER)
    q = "query($id: ID!) { node(id: $id) { ... on User { username } } }"
    target = gid("User", editor.user.id)
    assert (await gql(q, {"id": target}, login=editor))["data"]["node"]["username"] == editor.user.username
    assert (await gql(q, {"id": target}, login=admin))["data"]["node"]["username"] == editor.user.username
    assert (await gql(q, {"id": target}, login=other))["data"]["node"] is None
    assert (await gql(q, {"id": target}))["data"]["node"] is None



async def test_failed_login_is_audited_and_an_overlong_username_is_just_a_failure(gql, pauses):
    await make_user(Role.ADMIN, username="admin.satu")
    result = await _login(gql, "admin.satu", "bukan-ini-sandinya")
    assert result["errors"][0]["code"] == "INVALID"
    event = await AuditEvent.get(action="login.failed")
    assert event.actor_id is None and event.after == {"username": "admin.satu", "failures": 1}
    assert "bukan-ini-sandinya" not in str(event.after)
    long_name = "x" * 5000
    for _ in range(6):
        result = await _login(gql, long_name, "apa-saja-apa-saja")
    assert result["errors"][0]["code"] == "RATE_LIMITED"
