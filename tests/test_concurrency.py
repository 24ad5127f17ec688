"""Concurrent requests: workflow steps fire once, conditional updates lose nothing (in-process, over HTTP)."""

from __future__ import annotations

import asyncio

from schema.ids import encode_id
from service.enums import AchievementStatus, Role
from service.models import Achievement, AuditEvent, PressRelease
from tests.factories import make_achievement, make_institution, make_user

VERIFY = "mutation($id: ID!) { verifyAchievement(id: $id) { achievement { status } errors { code } } }"
UPDATE = ("mutation($id: ID!, $t: String!) { updateAchievement(id: $id, input: {title: $t}) "
          "{ achievement { title } errors { code } } }")


async def post(client, query, variables, login):
    # Separate HTTP requests: each runs its own transaction in the app, as two browsers would.
    resp = await client.post("/graphql", json={"query": query, "variables": variables}, headers=login.headers)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "errors" not in body, body
    return body["data"]


async def test_two_verifiers_at_once_one_wins_one_press_draft(client):
    inst = await make_institution()
    verifiers = [await make_user(Role.VERIFIER), await make_user(Role.VERIFIER), await make_user(Role.ADMIN)]
    targets = [await make_achievement(inst, status=AchievementStatus.SUBMITTED) for _ in range(5)]
    for a in targets:
        results = await asyncio.gather(*[
            post(client, VERIFY, {"id": encode_id("Achievement", a.id)}, v) for v in verifiers
        ])
        payloads = [r["verifyAchievement"] for r in results]
        winners = [p for p in payloads if not p["errors"]]
        losers = [p for p in payloads if p["errors"]]
        assert len(winners) == 1, payloads
        assert all(p["errors"] == [{"code": "INVALID_TRANSITION"}] and p["achievement"] is None for p in losers)
        row = await Achievement.get(id=a.id)
        assert row.status == AchievementStatus.VERIFIED and row.version == a.version + 1
        assert await PressRelease.filter(achievement_id=a.id).count() == 1
        assert await AuditEvent.filter(action="achievement.verify", target_id=str(a.id)).count() == 1


async def test_concurrent_edits_lose_nothing(client):
    inst = await make_institution()
    operators = [await make_user(Role.CONTRIBUTOR, inst) for _ in range(4)]
    draft = await make_achievement(inst, status=AchievementStatus.DRAFT)
    titles = [f"Juara {i + 1} Lomba Menulis Cerpen" for i in range(len(operators))]
    results = await asyncio.gather(*[
        post(client, UPDATE, {"id": encode_id("Achievement", draft.id), "t": t}, op)
        for t, op in zip(titles, operators, strict=True)
    ])
    payloads = [r["updateAchievement"] for r in results]
    saved = [p["achievement"]["title"] for p in payloads if not p["errors"]]
    conflicts = [p for p in payloads if p["errors"]]
    assert saved, payloads
    assert all(p["errors"] == [{"code": "VERSION_CONFLICT"}] for p in conflicts)
    row = await Achievement.get(id=draft.id)
    # Every acknowledged edit is one version step and one audit event; the row holds one of them.
    assert row.version == draft.version + len(saved)
    assert await AuditEvent.filter(action="achievement.update", target_id=str(draft.id)).count() == len(saved)
    assert row.title in saved


async def test_concurrent_creates_all_acknowledged_are_stored(client):
    from tests.test_institution_scope import achievement_input

    inst = await make_institution()
    ops = [await make_user(Role.CONTRIBUTOR, inst) for _ in range(3)]
    create = "mutation($i: AchievementInput!) { createAchievement(input: $i) { achievement { id } errors { code } } }"
    data = await achievement_input(inst)
    results = await asyncio.gather(*[
        post(client, create, {"i": {**data, "title": f"Prestasi ke-{i}"}}, ops[i % len(ops)]) for i in range(12)
    ])
    ids = [r["createAchievement"]["achievement"]["id"] for r in results]
    assert len(set(ids)) == 12
    assert await Achievement.filter(institution_id=inst.id).count() == 12
