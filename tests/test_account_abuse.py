"""Abuse of accounts: login throttling per username and per address (in the database), token revocation."""

from __future__ import annotations

import contextlib
import dataclasses

import httpx

from schema.ids import encode_id
from service.config import get_settings, override_settings
from service.enums import Role
from service.models import LoginThrottle
from tests.factories import _PASSWORD, make_institution, make_user

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token errors { code message } } }"
ME = "{ me { username } }"


@contextlib.contextmanager
def settings_changed(**changes):
    old = get_settings()
    override_settings(dataclasses.replace(old, **changes))
    try:
        yield
    finally:
        override_settings(old)


async def login(gql, username, password, client=None):
    body = await gql(LOGIN, {"u": username, "p": password})
    payload = body["data"]["login"]
    return payload["token"], [e["code"] for e in payload["errors"]]


async def test_failures_for_one_username_lead_to_rate_limited(gql):
    user = await make_user(Role.EDITOR, username="redaksi.ikp")
    with settings_changed(login_max_failures=3):
        for _ in range(3):
            assert (await login(gql, "redaksi.ikp", "salah-sekali-123"))[1] == ["INVALID"]
        token, codes = await login(gql, "redaksi.ikp", _PASSWORD)
    assert token is None and codes == ["RATE_LIMITED"]
    row = await LoginThrottle.get(key="user:redaksi.ikp")
    assert row.failures == 3 and row.locked_until is not None
    assert user.user.is_active


async def test_rate_limited_also_for_unknown_usernames(gql):
    with settings_changed(login_max_failures=2):
        for _ in range(2):
            assert (await login(gql, "tidak.ada", "apa-saja-12345"))[1] == ["INVALID"]
        body = await gql(LOGIN, {"u": "tidak.ada", "p": "apa-saja-12345"})
    errors = body["data"]["login"]["errors"]
    assert [e["code"] for e in errors] == ["RATE_LIMITED"]
    assert "menit" in errors[0]["message"]


async def test_username_throttle_is_case_insensitive_and_counted_in_the_database(gql):
    await make_user(Role.EDITOR, username="Editor.Satu")
    with settings_changed(login_max_failures=2):
        await login(gql, "editor.satu", "salah-sekali-123")
        await login(gql, "EDITOR.SATU", "salah-sekali-123")
        assert (await login(gql, "Editor.Satu", _PASSWORD))[1] == ["RATE_LIMITED"]
    assert await LoginThrottle.filter(key="user:editor.satu").exists()


async def test_success_clears_the_username_counter(gql):
    await make_user(Role.EDITOR, username="editor.dua")
    with settings_changed(login_max_failures=3):
        await login(gql, "editor.dua", "salah-sekali-123")
        await login(gql, "editor.dua", "salah-sekali-123")
        token, codes = await login(gql, "editor.dua", _PASSWORD)
        assert token and codes == []
        await login(gql, "editor.dua", "salah-sekali-123")
        await login(gql, "editor.dua", "salah-sekali-123")
        token, codes = await login(gql, "editor.dua", _PASSWORD)
    assert token and codes == []


async def test_failures_from_one_address_slow_it_down_without_locking_out_colleagues(db, monkeypatch):
    """A sprayer behind the office's NAT waits longer with every failure; the colleagues' right passwords,
    from the same address, still log in."""
    from service import accounts
    from web.app import create_app

    await make_user(Role.EDITOR, username="korban")
    await make_user(Role.ADMIN, username="admin.kantor")
    waits: list[float] = []

    async def record(seconds):
        waits.append(seconds)

    monkeypatch.setattr(accounts, "_pause", record)
    app = create_app(manage_database=False)

    async def attempt(c, username, password):
        resp = await c.post("/graphql", json={"query": LOGIN, "variables": {"u": username, "p": password}})
        payload = resp.json()["data"]["login"]
        return payload["token"], [e["code"] for e in payload["errors"]]

    with settings_changed(login_ip_max_failures=4, login_max_failures=100):
        office = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=office, base_url="http://t") as c:
            for i in range(4):
                assert (await attempt(c, f"tebakan{i}", "salah-sekali-123"))[1] == ["INVALID"]
            assert waits == []
            for i in range(4, 8):
                assert (await attempt(c, f"tebakan{i}", "salah-sekali-123"))[1] == ["INVALID"]
            # Every attempt past the limit waits, and longer each time.
            assert len(waits) == 4 and waits == sorted(waits) and waits[0] < waits[-1]
            for username in ("korban", "admin.kantor"):
                token, codes = await attempt(c, username, _PASSWORD)
                assert token and codes == [], username
    assert (await LoginThrottle.get(key="ip:203.0.113.7")).failures == 8


async def test_parallel_guesses_never_get_past_the_limit(gql):
    """60 guesses at once, the right password 45th: the attempts are counted before the check, so only the
    first few are checked at all and no token is given."""
    import asyncio

    await make_user(Role.EDITOR, username="sasaran")
    passwords = [f"tebakan-salah-{i:02d}" for i in range(60)]
    passwords[44] = _PASSWORD
    with settings_changed(login_max_failures=5):
        results = await asyncio.gather(*(login(gql, "sasaran", p) for p in passwords))
    tokens = [t for t, _ in results if t]
    codes = [c for _, cs in results for c in cs]
    assert tokens == []
    assert codes.count("INVALID") <= 5 and codes.count("RATE_LIMITED") >= 55


CHANGE = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ok errors { field code message } } }"


async def test_change_password_is_throttled(gql):
    editor = await make_user(Role.EDITOR)
    with settings_changed(login_max_failures=3):
        for _ in range(3):
            body = await gql(CHANGE, {"i": {"currentPassword": "bukan-sandi-lama", "newPassword": "sandi-baru-panjang"}},
                             login=editor)
            assert [e["code"] for e in body["data"]["changePassword"]["errors"]] == ["INVALID"]
        body = await gql(CHANGE, {"i": {"currentPassword": _PASSWORD, "newPassword": "sandi-baru-panjang"}},
                         login=editor)
    payload = body["data"]["changePassword"]
    assert payload["ok"] is False and [e["code"] for e in payload["errors"]] == ["RATE_LIMITED"]
    # The old password still holds: the right one was refused, not accepted.
    assert (await login(gql, editor.user.username, _PASSWORD))[0]


async def test_passwords_of_spaces_are_refused(gql):
    editor = await make_user(Role.EDITOR)
    for weak in (" " * 10, "     abc  de     ", "\t\n" * 6):
        body = await gql(CHANGE, {"i": {"currentPassword": _PASSWORD, "newPassword": weak}}, login=editor)
        payload = body["data"]["changePassword"]
        assert payload["ok"] is False, repr(weak)
        assert [e["field"] for e in payload["errors"]] == ["newPassword"]


async def test_logout_revokes_the_token(gql):
    editor = await make_user(Role.EDITOR)
    assert (await gql(ME, login=editor))["data"]["me"]["username"] == editor.user.username
    assert (await gql("mutation { logout }", login=editor))["data"]["logout"] is True
    body = await gql(ME, login=editor, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_password_change_revokes_every_token(gql):
    editor = await make_user(Role.EDITOR)
    token2, _ = await login(gql, editor.user.username, _PASSWORD)
    body = await gql(
        "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ok errors { code } } }",
        {"i": {"currentPassword": _PASSWORD, "newPassword": "sandi-baru-yang-panjang"}}, login=editor,
    )
    assert body["data"]["changePassword"] == {"ok": True, "errors": []}
    for headers in (editor.headers, {"Authorization": f"Bearer {token2}"}):
        resp = await gql.client.post("/graphql", json={"query": ME}, headers=headers)
        assert resp.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await login(gql, editor.user.username, _PASSWORD))[1] == ["INVALID"]
    token, codes = await login(gql, editor.user.username, "sandi-baru-yang-panjang")
    assert token and codes == []


async def test_deactivation_revokes_tokens_at_once_and_blocks_login(gql):
    admin = await make_user(Role.ADMIN)
    inst = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, inst)
    assert (await gql(ME, login=operator))["data"]["me"] is not None
    body = await gql("mutation($id: ID!) { setUserActive(id: $id, active: false) { user { isActive } errors { code } } }",
                     {"id": encode_id("User", operator.user.id)}, login=admin)
    assert body["data"]["setUserActive"] == {"user": {"isActive": False}, "errors": []}
    body = await gql(ME, login=operator, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await login(gql, operator.user.username, _PASSWORD))[1] == ["INVALID"]
    # Reactivation does not bring old tokens back; a new login works.
    await gql("mutation($id: ID!) { setUserActive(id: $id, active: true) { errors { code } } }",
              {"id": encode_id("User", operator.user.id)}, login=admin)
    body = await gql(ME, login=operator, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    token, codes = await login(gql, operator.user.username, _PASSWORD)
    assert token and codes == []


async def test_admin_cannot_deactivate_itself(gql):
    admin = await make_user(Role.ADMIN)
    body = await gql("mutation($id: ID!) { setUserActive(id: $id, active: false) { errors { code } } }",
                     {"id": encode_id("User", admin.user.id)}, login=admin)
    assert body["data"]["setUserActive"]["errors"] == [{"code": "INVALID"}]


async def test_malformed_authorization_header_is_unauthenticated(client):
    for header in ("Basic dXNlcjpwYXNz", "Bearer ", "Bearer " + "x" * 500, "Token abc"):
        resp = await client.post("/graphql", json={"query": ME}, headers={"Authorization": header})
        assert resp.status_code == 200
        assert resp.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_client_address_comes_from_trusted_proxies_only(db):
    """`juara serve` believes X-Forwarded-For from JUARA_TRUSTED_PROXIES only: the address the throttle counts
    is the person's behind the proxy, and a spoofed header from anyone else is ignored."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from web.app import create_app
    from web.cli import proxy_options

    assert proxy_options(dataclasses.replace(get_settings(), trusted_proxies="")) == {"proxy_headers": False}
    options = proxy_options(dataclasses.replace(get_settings(), trusted_proxies="127.0.0.1, 10.0.0.0/8"))
    assert options == {"proxy_headers": True, "forwarded_allow_ips": ["127.0.0.1", "10.0.0.0/8"]}
    app = ProxyHeadersMiddleware(create_app(manage_database=False), trusted_hosts=options["forwarded_allow_ips"])
    forwarded = {"X-Forwarded-For": "198.51.100.20"}
    for peer in ("127.0.0.1", "203.0.113.9"):
        transport = httpx.ASGITransport(app=app, client=(peer, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            await c.post("/graphql", json={"query": LOGIN, "variables": {"u": "siapa", "p": "salah-sekali-123"}},
                         headers=forwarded)
    keys = set(await LoginThrottle.filter(key__startswith="ip:").values_list("key", flat=True))
    assert keys == {"ip:198.51.100.20", "ip:203.0.113.9"}



async def test_a_token_stops_working_when_it_expires_is_revoked_or_its_user_is_deactivated(db):
    """authenticate() gives the token's actor (role, institution and its path) and nothing for a token that
    expired a second ago, was revoked, belongs to a deactivated user, or is unknown."""
    import datetime as dt

    from service import accounts
    from service.models import AuthToken, User
    from tests.factories import make_institution, make_user

    school = await make_institution()
    login = await make_user(Role.CONTRIBUTOR, school)
    actor = await accounts.authenticate(login.token)
    assert (actor.role, actor.institution_id, actor.institution_path) == (Role.CONTRIBUTOR, school.id, school.path)
    assert await accounts.authenticate("not-a-token") is None
    token = await AuthToken.get(token_hash=accounts.hash_token(login.token))
    await AuthToken.filter(id=token.id).update(expires_at=accounts.now() - dt.timedelta(seconds=1))
    assert await accounts.authenticate(login.token) is None
    await AuthToken.filter(id=token.id).update(expires_at=accounts.now() + dt.timedelta(hours=1))
    assert (await accounts.authenticate(login.token)).token_id == token.id
    await User.filter(id=actor.user_id).update(is_active=False)
    assert await accounts.authenticate(login.token) is None
    await User.filter(id=actor.user_id).update(is_active=True)
    await AuthToken.filter(id=token.id).update(revoked_at=accounts.now())
    assert await accounts.authenticate(login.token) is None
