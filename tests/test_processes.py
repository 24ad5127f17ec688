"""Several real server processes on one database, and crashes (SIGKILL) in the middle of writes."""

from __future__ import annotations

import asyncio

import httpx

from schema.ids import encode_id
from service.enums import AchievementStatus, Role
from service.models import Achievement, AuditEvent, PressRelease
from tests.factories import make_achievement, make_institution, make_user
from tests.servers import Server

VERIFY = "mutation($id: ID!) { verifyAchievement(id: $id) { achievement { status } errors { code } } }"
CREATE = "mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id } errors { code } } }"


async def call(http: httpx.AsyncClient, base: str, query: str, variables: dict, login) -> dict:
    resp = await http.post(f"{base}/graphql", json={"query": query, "variables": variables},
                           headers=login.headers, timeout=60)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "errors" not in body, body
    return body["data"]


async def test_two_server_processes_on_one_database(db):
    from tests.test_institution_scope import achievement_input

    inst = await make_institution()
    verifiers = [await make_user(Role.VERIFIER), await make_user(Role.VERIFIER)]
    operator = await make_user(Role.CONTRIBUTOR, inst)
    targets = [await make_achievement(inst, status=AchievementStatus.SUBMITTED) for _ in range(8)]
    data = await achievement_input(inst)
    servers = [Server(db), Server(db)]
    await asyncio.gather(*[asyncio.to_thread(s.start) for s in servers])
    try:
        async with httpx.AsyncClient() as http:
            verifies = [
                call(http, servers[i].url, VERIFY, {"id": encode_id("Achievement", a.id)}, verifiers[i])
                for a in targets for i in (0, 1)
            ]
            creates = [
                call(http, servers[i % 2].url, CREATE, {"i": {**data, "title": f"Prestasi paralel {i}"}}, operator)
                for i in range(10)
            ]
            results = await asyncio.gather(*verifies, *creates)
    finally:
        for s in servers:
            s.stop()
    verify_payloads = [r["verifyAchievement"] for r in results[: len(verifies)]]
    for n, a in enumerate(targets):
        pair = verify_payloads[2 * n: 2 * n + 2]
        assert sorted(bool(p["errors"]) for p in pair) == [False, True], pair
        assert [p["errors"] for p in pair if p["errors"]] == [[{"code": "INVALID_TRANSITION"}]]
        assert (await Achievement.get(id=a.id)).status == AchievementStatus.VERIFIED
        assert await PressRelease.filter(achievement_id=a.id).count() == 1
    created = [r["createAchievement"] for r in results[len(verifies):]]
    assert all(c["errors"] == [] for c in created)
    assert await Achievement.filter(title__startswith="Prestasi paralel").count() == 10


async def test_crash_in_the_middle_of_workflow_steps_leaves_all_or_nothing(db):
    inst = await make_institution()
    verifier = await make_user(Role.VERIFIER)
    targets = [await make_achievement(inst, status=AchievementStatus.SUBMITTED) for _ in range(40)]
    server = Server(db)
    await asyncio.to_thread(server.start)
    acknowledged: set[int] = set()
    first_ack = asyncio.Event()
    try:
        async with httpx.AsyncClient() as http:
            async def verify(a):
                try:
                    data = await call(http, server.url, VERIFY, {"id": encode_id("Achievement", a.id)}, verifier)
                except httpx.HTTPError:
                    return
                if not data["verifyAchievement"]["errors"]:
                    acknowledged.add(a.id)
                    first_ack.set()

            tasks = [asyncio.create_task(verify(a)) for a in targets]
            # Kill as soon as the first step is acknowledged: the others are queued or half-way.
            done = asyncio.ensure_future(asyncio.gather(*tasks))
            await asyncio.wait([asyncio.ensure_future(first_ack.wait()), done], return_when=asyncio.FIRST_COMPLETED)
            server.kill()
            await done
    finally:
        server.kill()
    assert acknowledged and len(acknowledged) < len(targets), "the crash did not land during the run"

    async def check_all_or_nothing():
        for a in targets:
            row = await Achievement.get(id=a.id)
            releases = await PressRelease.filter(achievement_id=a.id).count()
            events = await AuditEvent.filter(action="achievement.verify", target_id=str(a.id)).count()
            if row.status == AchievementStatus.VERIFIED:
                assert (releases, events, row.version) == (1, 1, a.version + 1), a.id
            else:
                assert row.status == AchievementStatus.SUBMITTED
                assert (releases, events, row.version) == (0, 0, a.version), a.id
            if a.id in acknowledged:
                assert row.status == AchievementStatus.VERIFIED

    await check_all_or_nothing()
    # After a restart the rest goes through, and nothing is stuck (no stale lock, no half row).
    with Server(db) as again:
        async with httpx.AsyncClient() as http:
            for a in targets:
                row = await Achievement.get(id=a.id)
                if row.status == AchievementStatus.SUBMITTED:
                    data = await call(http, again.url, VERIFY, {"id": encode_id("Achievement", a.id)}, verifier)
                    assert data["verifyAchievement"]["errors"] == []
    assert await Achievement.filter(id__in=[a.id for a in targets], status=AchievementStatus.VERIFIED).count() == 40
    assert await PressRelease.filter(achievement_id__in=[a.id for a in targets]).count() == 40


IMPORT = """mutation($input: ImportAchievementsInput!) {
  importAchievements(input: $input) { report { committed createdCount } errors { code message } } }"""


def _csv(rows: int) -> bytes:
    from service import imports

    header = ";".join(c.header for c in imports.COLUMNS)
    lines = [f"Juara {1 + i % 3} Lomba Tari Kreasi Nomor {i};FLS2N 2026;Dindikbud;Kecamatan;Juara {1 + i % 3};;Tari;"
             f"12 Oktober 2026;;;;;;;https://example.org/bukti/{i}" for i in range(rows)]
    return ("\ufeff" + header + "\n" + "\n".join(lines) + "\n").encode("utf-8")


async def _post_import(http, base, login, content: bytes, dry_run: bool):
    import json

    return await http.post(
        f"{base}/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"input": {"file": None, "dryRun": dry_run}}}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("prestasi.csv", content, "text/csv")},
        headers={**login.headers, "X-Requested-With": "XMLHttpRequest"}, timeout=120,
    )


async def test_crash_in_the_middle_of_an_import_leaves_all_or_nothing(db):
    import time

    from service.models import ImportBatch

    school = await make_institution("SMP Negeri 1 Bobotsari")
    operator = await make_user(Role.CONTRIBUTOR, school)
    rows = 1500
    content = _csv(rows)
    server = Server(db)
    await asyncio.to_thread(server.start)
    try:
        async with httpx.AsyncClient() as http:
            started = time.monotonic()
            dry = await _post_import(http, server.url, operator, content, dry_run=True)
            assert dry.status_code == 200 and dry.json()["data"]["importAchievements"]["errors"] == [], dry.text
            checking = time.monotonic() - started
            task = asyncio.create_task(_post_import(http, server.url, operator, content, dry_run=False))
            # The real import first checks every row (as the dry run did), then writes: kill while it writes.
            await asyncio.wait([task], timeout=checking * 1.3)
            finished_first = task.done()
            server.kill()
            try:
                await task
            except httpx.HTTPError:
                pass
    finally:
        server.kill()
    created = await Achievement.filter(institution_id=school.id).count()
    batches = await ImportBatch.all().count()
    events = await AuditEvent.filter(action="achievement.import").count()
    assert (created, batches, events) in {(0, 0, 0), (rows, 1, 1)}, (created, batches, events, finished_first)
    if not finished_first:
        # Nothing was acknowledged; the import can simply be sent again after the restart.
        with Server(db) as again:
            async with httpx.AsyncClient() as http:
                resp = await _post_import(http, again.url, operator, content, dry_run=False)
        payload = resp.json()["data"]["importAchievements"]
        if created == 0:
            assert payload["errors"] == [] and payload["report"]["createdCount"] == rows
        else:
            assert payload["errors"][0]["code"] == "DUPLICATE"
        assert await Achievement.filter(institution_id=school.id).count() == rows
