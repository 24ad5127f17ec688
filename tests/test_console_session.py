"""Browser sessions of the console: the cookie's attributes, the CSRF rule, logout and expiry, the page headers,
and the API the screens added (the person registry, an administrator's password reset)."""

from __future__ import annotations

import datetime as dt

import httpx

from service.enums import AchievementStatus, InstitutionKind, Role
from service.models import AuthToken
from tests.factories import make_achievement, make_institution, make_person, make_user

PASSWORD = "rahasia-sekali-123"
CSRF = {"x-juara-csrf": "1"}
ME = {"query": "{ me { username role } }"}


def _client(https: bool = False) -> httpx.AsyncClient:
    from web.app import create_app

    app = create_app(manage_database=False)
    base = "https://testserver" if https else "http://testserver"
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)


async def _sign_in(c: httpx.AsyncClient, username: str) -> httpx.Response:
    return await c.post("/session", json={"username": username, "password": PASSWORD}, headers=CSRF)


async def test_login_sets_an_httponly_samesite_strict_cookie_and_no_token_in_the_body(db):
    await make_user(Role.VERIFIER, username="verifikator")
    async with _client() as c:
        r = await _sign_in(c, "verifikator")
        assert r.status_code == 200
        assert r.json() == {"user": {"username": "verifikator", "fullName": "Pengguna Verifier", "role": "VERIFIER"},
                            "errors": []}
        cookie = r.headers["set-cookie"].lower()
        assert cookie.startswith("juara_session=")
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
        assert "secure" not in cookie  # plain HTTP on localhost: a Secure cookie would never come back
        assert r.headers["cache-control"] == "no-store"
    async with _client(https=True) as c:
        r = await _sign_in(c, "verifikator")
        assert "; secure" in r.headers["set-cookie"].lower()


async def test_the_cookie_counts_only_with_the_csrf_header(db):
    await make_user(Role.VERIFIER, username="verifikator")
    async with _client() as c:
        await _sign_in(c, "verifikator")
        with_header = await c.post("/graphql", json=ME, headers=CSRF)
        assert with_header.json()["data"]["me"] == {"username": "verifikator", "role": "VERIFIER"}
        # A cross-site form can carry the cookie but not the header: the request is anonymous.
        without = await c.post("/graphql", json=ME)
        assert without.json()["data"]["me"] is None
        refused = await c.post("/graphql", json={"query": "mutation { verifyAchievement(id: \"QWNoaWV2ZW1lbnQ6MQ==\") { errors { code } } }"})
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_login_needs_the_csrf_header_and_wrong_passwords_say_so_in_indonesian(db):
    await make_user(Role.EDITOR, username="editor")
    async with _client() as c:
        r = await c.post("/session", json={"username": "editor", "password": PASSWORD})
        assert r.status_code == 403 and "set-cookie" not in r.headers
        r = await c.post("/session", json={"username": "editor", "password": "salah-sekali-123"}, headers=CSRF)
        assert r.status_code == 400 and "set-cookie" not in r.headers
        assert r.json()["errors"][0]["code"] == "INVALID"
        r = await c.post("/session", content=b"{not json", headers=CSRF)
        assert r.status_code == 400 and r.json()["errors"][0]["code"] == "BAD_REQUEST"


async def test_logout_revokes_the_session_and_an_expired_one_is_refused(db):
    login = await make_user(Role.EDITOR, username="editor")
    async with _client() as c:
        await _sign_in(c, "editor")
        token = c.cookies["juara_session"]
        r = await c.delete("/session", headers=CSRF)
        assert r.status_code == 200 and 'juara_session=""' in r.headers["set-cookie"]
        c.cookies.set("juara_session", token)  # a copy kept by an attacker
        stale = await c.post("/graphql", json=ME, headers=CSRF)
        assert stale.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await AuthToken.filter(user_id=login.user.id).update(revoked_at=None, expires_at=dt.datetime.now(dt.UTC)
                                                        - dt.timedelta(minutes=1))
    async with _client() as c:
        c.cookies.set("juara_session", token)
        expired = await c.post("/graphql", json=ME, headers=CSRF)
        assert expired.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_evidence_downloads_take_the_session_cookie(db, tmp_path):
    school = await make_institution()
    await make_user(Role.CONTRIBUTOR, school, username="operator")
    draft = await make_achievement(school, status=AchievementStatus.DRAFT, evidence_url=None)
    async with _client() as c:
        await _sign_in(c, "operator")
        from schema.ids import encode_id

        query = {"query": "query($id: ID!) { node(id: $id) { ... on Achievement { title } } }",
                 "variables": {"id": encode_id("Achievement", draft.id)}}
        assert (await c.post("/graphql", json=query, headers=CSRF)).json()["data"]["node"]["title"] == draft.title
        # GET routes (a link, an <iframe>) authenticate by the cookie alone; without it the draft is absent.
        r = await c.get("/exports/achievements.csv?status=DRAFT")
        assert draft.title in r.text
        c.cookies.clear()
        assert draft.title not in (await c.get("/exports/achievements.csv?status=DRAFT")).text


async def test_pages_carry_a_strict_csp_without_inline_script(db):
    async with _client() as c:
        for path, headers in (("/", {}), ("/graphql", {"accept": "text/html"}), ("/dashboard", {})):
            r = await c.get(path, headers=headers)
            assert r.status_code == 200, path
            csp = r.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline' " not in csp.split("script-src")[1].split(";")[0]
            assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
            assert "<script>" not in r.text and "cdn" not in r.text.lower(), path
        r = await c.get("/admin", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/#/admin"


async def test_person_registry_shows_a_contributor_its_own_persons_only(db):
    school = await make_institution("SMP Negeri 1 Bobotsari", kind=InstitutionKind.SEKOLAH)
    other = await make_institution("SMP Negeri 2 Bobotsari", kind=InstitutionKind.SEKOLAH)
    await make_person(school, name="Rina Kusuma")
    await make_person(other, name="Dewi Lestari")
    op = await make_user(Role.CONTRIBUTOR, school)
    staff = await make_user(Role.VERIFIER)
    query = {"query": "{ persons(first: 10) { totalCount edges { node { name } } } }"}
    async with _client() as c:
        mine = (await c.post("/graphql", json=query, headers=op.headers)).json()["data"]["persons"]
        assert [e["node"]["name"] for e in mine["edges"]] == ["Rina Kusuma"]
        everyone = (await c.post("/graphql", json=query, headers=staff.headers)).json()["data"]["persons"]
        assert everyone["totalCount"] == 2
        anonymous = (await c.post("/graphql", json=query)).json()
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_administrator_resets_a_password_and_the_old_sessions_end(db):
    admin = await make_user(Role.ADMIN)
    user = await make_user(Role.EDITOR, username="editor")
    from schema.ids import encode_id

    reset = {"query": "mutation($id: ID!, $pw: String!) { resetUserPassword(id: $id, input: {newPassword: $pw}) "
                      "{ user { username } errors { field code message } } }",
             "variables": {"id": encode_id("User", user.user.id), "pw": "pendek"}}
    async with _client() as c:
        short = (await c.post("/graphql", json=reset, headers=admin.headers)).json()["data"]["resetUserPassword"]
        assert short["errors"][0]["field"] == "newPassword" and short["user"] is None
        reset["variables"]["pw"] = "kata-sandi-baru-123"
        ok = (await c.post("/graphql", json=reset, headers=admin.headers)).json()["data"]["resetUserPassword"]
        assert ok == {"user": {"username": "editor"}, "errors": []}
        gone = await c.post("/graphql", json=ME, headers=user.headers)
        assert gone.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        r = await c.post("/session", json={"username": "editor", "password": "kata-sandi-baru-123"}, headers=CSRF)
        assert r.status_code == 200
        verifier = await make_user(Role.VERIFIER)
        denied = (await c.post("/graphql", json=reset, headers=verifier.headers)).json()
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
