"""The public change stamp moves exactly when what anonymous callers and the public stats see changes.

Every kind of write, through the real actions (GraphQL, or the service where no mutation exists yet): the
public stamp (`ChangeStamp().read()`) moves or stays; the full stamp moves for every watched write; an
anonymous answer held in the response cache is never stale after a public change, also when a second
process commits it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap

import httpx

from schema.ids import encode_id
from service.change_stamp import ChangeStamp
from service.enums import AchievementStatus, Role
from service.models import Achievement, Category, Kecamatan, Person, PointsLevel
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user
from web.response_cache import PublicResponseCache

CREATE = """mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id } errors { code message } } }"""
UPDATE = """mutation($id: ID!, $i: AchievementUpdateInput!) { updateAchievement(id: $id, input: $i) {
  achievement { id } errors { code message } } }"""
SUBMIT = "mutation($id: ID!) { submitAchievement(id: $id) { achievement { id } errors { code message } } }"
VERIFY = """mutation($id: ID!) { verifyAchievement(id: $id) { achievement { id pressReleases { id version } }
  errors { code message } } }"""
REJECT = "mutation($id: ID!) { rejectAchievement(id: $id, reason: \"Bukti kurang jelas\") { errors { code message } } }"
RELEASE_EDIT = """mutation($id: ID!, $v: Int!) { updatePressRelease(id: $id, expectedVersion: $v, input: {title: "Judul baru", body: "PURBALINGGA, INFO – Isi lengkap rilis. (LPU/Kominfo)"}) {
  errors { code message } } }"""
RELEASE_STATUS = """mutation($id: ID!, $s: PressReleaseStatus!) { setPressReleaseStatus(id: $id, status: $s) {
  errors { code message } } }"""
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
LIST = "{ achievements(first: 20) { totalCount edges { node { title } } } }"
RELEASES = "{ pressReleases(first: 20) { edges { node { title } } } }"


def _app():
    from web.app import create_app

    app = create_app(manage_database=False)
    for route in app.routes:
        if getattr(route, "path", None) == "/graphql":
            inner = route.app
            while not isinstance(inner, PublicResponseCache):
                inner = inner.app
            return app, inner
    raise AssertionError("no /graphql route")


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, query: str, variables: dict | None = None, login=None) -> dict:
        resp = await self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                      headers=login.headers if login else {})
        body = resp.json()
        assert resp.status_code == 200 and "errors" not in body, body
        for payload in body["data"].values():
            if isinstance(payload, dict) and "errors" in payload:
                assert payload["errors"] == [], payload
        return body["data"]


class Stamps:
    """Both stamps before and after one write."""

    def __init__(self) -> None:
        self.reader = ChangeStamp()

    async def now(self) -> tuple:
        return await self.reader.read(), await self.reader.read(public=False)

    async def moved(self, write) -> tuple[bool, bool]:
        public, full = await self.now()
        await write()
        after_public, after_full = await self.now()
        return after_public != public, after_full != full


async def _draft_input(school) -> dict:
    category = await leaf_category()
    return {"title": "Juara 1 Lomba Baca Puisi", "eventName": "Lomba Baca Puisi", "organizer": "Dinas Pendidikan",
            "level": "KABUPATEN", "rank": "JUARA_1", "categoryId": encode_id("Category", category.id),
            "date": "2026-09-01", "institutionId": encode_id("Institution", school.id),
            "evidenceUrls": ["https://example.org/piagam.pdf"]}


async def test_drafts_submissions_and_logins_leave_the_public_stamp(db):
    if db.endswith(":memory:"):
        return
    school = await make_institution()
    contributor = await make_user(Role.CONTRIBUTOR, school, username="kontributor.stamp")
    verifier = await make_user(Role.VERIFIER)
    stamps = Stamps()
    app, _ = _app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        api = Api(client)
        made: dict = {}

        async def create():
            made["id"] = (await api(CREATE, {"i": await _draft_input(school)}, contributor))[
                "createAchievement"]["achievement"]["id"]

        assert await stamps.moved(create) == (False, True)
        assert await stamps.moved(lambda: api(UPDATE, {"id": made["id"], "i": {"title": "Juara 2 Lomba Baca Puisi"}},
                                              contributor)) == (False, True)
        assert await stamps.moved(lambda: api(SUBMIT, {"id": made["id"]}, contributor)) == (False, True)
        assert await stamps.moved(lambda: api(REJECT, {"id": made["id"]}, verifier)) == (False, True)
        assert await stamps.moved(lambda: api(SUBMIT, {"id": made["id"]}, contributor)) == (False, True)
        # A failed login writes its throttle row and an audit line: not the public stamp (SQLite's full
        # stamp, `PRAGMA data_version`, moves with any commit).
        public, _ = await stamps.moved(lambda: client.post("/graphql", json={
            "query": LOGIN, "variables": {"u": "kontributor.stamp", "p": "salah-sandi-sekali"}}))
        assert public is False
        # A person nobody can see yet (not in a verified achievement).
        assert await stamps.moved(lambda: make_person(school, "Sari Wulandari")) == (False, True)


async def test_verification_releases_and_reference_data_move_the_public_stamp(db):
    if db.endswith(":memory:"):
        return
    from service import achievements as achievements_service
    from service.security import Actor

    school = await make_institution()
    contributor = await make_user(Role.CONTRIBUTOR, school)
    verifier = await make_user(Role.VERIFIER)
    editor = await make_user(Role.EDITOR)
    stamps = Stamps()
    app, _ = _app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        api = Api(client)
        aid = (await api(CREATE, {"i": await _draft_input(school)}, contributor))["createAchievement"]["achievement"]["id"]
        await api(SUBMIT, {"id": aid}, contributor)
        made: dict = {}

        async def verify():
            made["releases"] = (await api(VERIFY, {"id": aid}, verifier))["verifyAchievement"]["achievement"]["pressReleases"]

        assert await stamps.moved(verify) == (True, True)
        release = made["releases"][0]
        # The release drafted at verification is not public: editing and reviewing it is not a public change.
        assert await stamps.moved(lambda: api(RELEASE_EDIT, {"id": release["id"], "v": release["version"]},
                                              editor)) == (False, True)
        assert await stamps.moved(lambda: api(RELEASE_STATUS, {"id": release["id"], "s": "IN_REVIEW"},
                                              editor)) == (False, True)
        assert await stamps.moved(lambda: api(RELEASE_STATUS, {"id": release["id"], "s": "PUBLISHED"},
                                              editor)) == (True, True)
        assert await stamps.moved(lambda: api(RELEASE_STATUS, {"id": release["id"], "s": "ARCHIVED"},
                                              editor)) == (True, True)
    actor = Actor(user_id=verifier.user.id, username=verifier.user.username, role=Role.VERIFIER)
    pk = int((await Achievement.filter(status=AchievementStatus.VERIFIED).first()).id)
    assert await stamps.moved(lambda: achievements_service.withdraw_verification(actor, pk, "Piagam palsu")) == (True, True)
    # Reference data, points, a person's public name and consent, a seeded verified row.
    person = await make_person(school, "Rina Kusuma")
    assert await stamps.moved(lambda: Category.create(slug="robotika", name="Robotika")) == (True, True)
    assert await stamps.moved(lambda: Kecamatan.filter(code="33.03.09").update(name="Bobotsari")) == (True, True)
    assert await stamps.moved(lambda: PointsLevel.filter(level="PROVINSI").update(base=41)) == (True, True)
    assert await stamps.moved(lambda: Person.filter(id=person.id).update(publication_consent=False)) == (True, True)
    assert await stamps.moved(lambda: make_achievement(school, persons=[person])) == (True, True)


async def test_public_stats_stay_in_memory_across_drafts_and_see_verifications(db):
    if db.endswith(":memory:"):
        return
    from service.stats import CUBE

    school = await make_institution()
    await make_achievement(school)
    contributor = await make_user(Role.CONTRIBUTOR, school)
    verifier = await make_user(Role.VERIFIER)
    app, _ = _app()
    stats = "{ stats { total } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        api = Api(client)
        assert (await api(stats))["stats"]["total"] == 1
        public_before = await CUBE.generation("VERIFIED")
        aid = (await api(CREATE, {"i": await _draft_input(school)}, contributor))["createAchievement"]["achievement"]["id"]
        await api(SUBMIT, {"id": aid}, contributor)
        assert await CUBE.generation("VERIFIED") is public_before  # nothing public changed: kept in memory
        submitted = await CUBE.generation("SUBMITTED")
        assert (await api('{ stats(filter: {status: SUBMITTED}) { total } }', login=verifier))["stats"]["total"] == 1
        await api(VERIFY, {"id": aid}, verifier)
        assert await CUBE.generation("SUBMITTED") is not submitted
        assert await CUBE.generation("VERIFIED") is not public_before
        assert (await api(stats))["stats"]["total"] == 2


async def test_a_cached_anonymous_answer_is_never_stale_after_another_process_commits(db):
    if db.endswith(":memory:"):
        return
    school = await make_institution()
    await make_achievement(school, title="Juara 1 Lomba Pidato")
    draft = await make_achievement(school, title="Juara 3 Lomba Catur", status=AchievementStatus.SUBMITTED)
    app, cache = _app()
    other = textwrap.dedent("""
        import asyncio, sys
        from service import db
        from service.models import Achievement

        async def main(url, pk, step):
            await db.init_db(url)
            try:
                if step == "draft":
                    await Achievement.filter(id=pk).update(description="catatan kontributor")
                else:
                    await Achievement.filter(id=pk).update(status="VERIFIED")
            finally:
                await db.close_db()

        asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
    """)

    async def second_process(step: str) -> None:
        proc = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", other, db, str(draft.id), step],
            capture_output=True, text=True, env={**os.environ}, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        async def titles() -> list[str]:
            body = (await client.post("/graphql", json={"query": LIST})).json()
            return sorted(e["node"]["title"] for e in body["data"]["achievements"]["edges"])

        assert await titles() == ["Juara 1 Lomba Pidato"]
        assert await titles() == ["Juara 1 Lomba Pidato"]
        hits = cache.hits
        await second_process("draft")
        assert await titles() == ["Juara 1 Lomba Pidato"]
        assert cache.hits == hits + 1  # a change nobody anonymous can see keeps the cached answer
        await second_process("verify")
        assert await titles() == ["Juara 1 Lomba Pidato", "Juara 3 Lomba Catur"]


async def test_links_and_evidence_move_the_public_stamp_only_on_verified_achievements(db):
    if db.endswith(":memory:"):
        return
    from service.enums import EvidenceKind
    from service.models import AchievementPerson, Evidence

    school = await make_institution()
    verified = await make_achievement(school)
    draft = await make_achievement(school, status=AchievementStatus.DRAFT)
    person = await make_person(school, "Dewi Lestari")
    stamps = Stamps()
    assert (await stamps.moved(lambda: AchievementPerson.create(achievement=draft, person=person)))[0] is False
    assert (await stamps.moved(lambda: Evidence.create(achievement=draft, kind=EvidenceKind.URL,
                                                       url="https://example.org/a.pdf")))[0] is False
    assert (await stamps.moved(lambda: AchievementPerson.filter(achievement_id=draft.id).delete()))[0] is False
    assert (await stamps.moved(lambda: AchievementPerson.create(achievement=verified, person=person)))[0] is True
    assert (await stamps.moved(lambda: Evidence.create(achievement=verified, kind=EvidenceKind.URL,
                                                       url="https://example.org/b.pdf")))[0] is True
    assert (await stamps.moved(lambda: AchievementPerson.filter(achievement_id=verified.id).delete()))[0] is True
    assert (await stamps.moved(lambda: Evidence.filter(achievement_id=verified.id).update(url="https://example.org/c.pdf")))[0] is True


async def test_a_verification_reloads_the_public_stats_of_its_year_only(db, monkeypatch):
    """The year stamps move with the VERIFIED yearly cells of their year, whatever writes them (a
    verification, a draft leaving them alone, another process's SQL); the in-memory public stats carry the
    other years' totals over to the next generation and reload the changed years' cells only."""
    if db.endswith(":memory:"):
        return
    import datetime as dt

    from service.change_stamp import read_year_stamps
    from service.db import execute
    from service.stats import CUBE, memory

    school = await make_institution()
    await make_achievement(school, date=dt.date(2024, 3, 5))
    await make_achievement(school, date=dt.date(2026, 10, 12))
    contributor = await make_user(Role.CONTRIBUTOR, school)
    verifier = await make_user(Role.VERIFIER)
    loads: list[set[int] | None] = []
    real = memory._year_totals

    async def recorded(*args, years=None):
        loads.append(years)
        return await real(*args, years=years)

    monkeypatch.setattr(memory, "_year_totals", recorded)
    app, _ = _app()
    stats = "{ stats { total byYear { key count } byKecamatan { count } } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        api = Api(client)

        async def by_year() -> dict[str, int]:
            return {b["key"]: b["count"] for b in (await api(stats))["stats"]["byYear"]}

        CUBE.clear()
        assert await by_year() == {"2024": 1, "2026": 1}
        assert loads == [None]  # the first generation reads every year
        before = await read_year_stamps()
        assert before is not None
        aid = (await api(CREATE, {"i": await _draft_input(school)}, contributor))["createAchievement"]["achievement"]["id"]
        await api(SUBMIT, {"id": aid}, contributor)
        assert await read_year_stamps() == before  # a draft and a submission are not VERIFIED cells
        await api(VERIFY, {"id": aid}, verifier)  # dated 2026-09-01
        after = await read_year_stamps()
        assert after is not None and after[2026] != before[2026] and after.get(2024) == before.get(2024)
        assert await by_year() == {"2024": 1, "2026": 2}
        assert loads == [None, {2026}]
        # Another process (or an SQL console) changes a 2024 cell: that year is reloaded, and only it.
        await execute("UPDATE achievement_stat_yearly SET count = count + 5 WHERE year = 2024 AND status = 'VERIFIED'")
        assert await by_year() == {"2024": 6, "2026": 2}
        assert loads[-1] == {2024}
        carried = (await api(stats))["stats"]
        CUBE.clear()  # a fresh load of every year answers the same (another query text: not the cached answer)
        assert (await api(stats.replace("total ", "total  ")))["stats"] == carried
        assert loads[-1] is None
