"""The audit trail query: ADMIN only, filtered by actor, target, action and time range."""

from __future__ import annotations

import datetime as dt

from schema.ids import encode_id
from service.enums import AchievementStatus, Role
from tests.factories import make_achievement, make_institution, make_user

QUERY = """
query($f: AuditEventFilter, $first: Int) {
  auditEvents(filter: $f, first: $first) {
    totalCount
    edges { node { action actorUsername targetType targetId before after createdAt actor { username } } }
  }
}"""


async def _trail(gql):
    inst = await make_institution()
    verifier = await make_user(Role.VERIFIER)
    admin = await make_user(Role.ADMIN)
    first = await make_achievement(inst, status=AchievementStatus.SUBMITTED)
    second = await make_achievement(inst, status=AchievementStatus.SUBMITTED)
    for a in (first, second):
        body = await gql("mutation($id: ID!) { verifyAchievement(id: $id) { errors { code } } }",
                         {"id": encode_id("Achievement", a.id)}, login=verifier)
        assert body["data"]["verifyAchievement"]["errors"] == []
    other = await make_user(Role.EDITOR)
    body = await gql("mutation($id: ID!) { setUserActive(id: $id, active: false) { errors { code } } }",
                     {"id": encode_id("User", other.user.id)}, login=admin)
    assert body["data"]["setUserActive"]["errors"] == []
    return admin, verifier, first, other


async def events(gql, admin, flt):
    body = await gql(QUERY, {"f": flt, "first": 50}, login=admin)
    return [e["node"] for e in body["data"]["auditEvents"]["edges"]]


async def test_filters_by_actor_target_action_and_time(gql):
    admin, verifier, first, other = await _trail(gql)
    everything = await events(gql, admin, None)
    assert {"achievement.verify", "user.deactivate"} <= {e["action"] for e in everything}

    by_actor = await events(gql, admin, {"actorId": encode_id("User", verifier.user.id)})
    assert [e["action"] for e in by_actor].count("achievement.verify") == 2
    assert "user.deactivate" not in {e["action"] for e in by_actor}
    assert all(e["actor"]["username"] == verifier.user.username for e in by_actor)

    by_target = await events(gql, admin, {"targetId": encode_id("Achievement", first.id)})
    assert [e["action"] for e in by_target] == ["achievement.verify"]
    assert by_target[0]["targetId"] == encode_id("Achievement", first.id)
    assert by_target[0]["before"]["status"] == "SUBMITTED" and by_target[0]["after"]["status"] == "VERIFIED"

    by_action = await events(gql, admin, {"action": "user.deactivate"})
    assert len(by_action) == 1 and by_action[0]["targetId"] == encode_id("User", other.user.id)

    by_type = await events(gql, admin, {"targetType": "User", "action": "user.deactivate"})
    assert by_type == by_action

    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    assert await events(gql, admin, {"since": future}) == []
    assert len(await events(gql, admin, {"since": past, "until": future})) == len(everything)
    assert await events(gql, admin, {"until": past}) == []


async def test_newest_first_and_paged(gql):
    admin, *_ = await _trail(gql)
    body = await gql(QUERY, {"f": None, "first": 1}, login=admin)
    conn = body["data"]["auditEvents"]
    assert conn["totalCount"] >= 3 and len(conn["edges"]) == 1
    assert conn["edges"][0]["node"]["action"] == "user.deactivate"


async def test_only_admin_reads_the_trail(gql):
    inst = await make_institution()
    for login in [None, await make_user(Role.VERIFIER), await make_user(Role.EDITOR),
                  await make_user(Role.CONTRIBUTOR, inst)]:
        body = await gql(QUERY, {"f": None, "first": 5}, login=login, expect_errors=True)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == ("UNAUTHENTICATED" if login is None else "FORBIDDEN")


async def test_bad_ids_in_filter_are_user_input_errors(gql):
    admin = await make_user(Role.ADMIN)
    body = await gql(QUERY, {"f": {"targetId": "not-an-id"}, "first": 5}, login=admin, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    body = await gql(QUERY, {"f": {"actorId": encode_id("Achievement", 1)}, "first": 5}, login=admin,
                     expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


async def test_no_secrets_in_the_trail(gql):
    admin = await make_user(Role.ADMIN)
    inst = await make_institution()
    body = await gql(
        "mutation($i: CreateUserInput!) { createUser(input: $i) { errors { code } } }",
        {"i": {"username": "operator.sekolah", "password": "kata-sandi-rahasia-1", "fullName": "Operator",
               "role": "CONTRIBUTOR", "institutionId": encode_id("Institution", inst.id)}},
        login=admin,
    )
    assert body["data"]["createUser"]["errors"] == []
    trail = await events(gql, admin, {"action": "user.create"})
    assert trail and "kata-sandi-rahasia-1" not in str(trail) and "password" not in str(trail).lower()


async def test_each_status_change_returns_and_audits_the_row_as_stored(db):
    """A step's result and its audit event's `after` are the row as the database holds it afterwards (the
    step does not read it back: it knows what its guarded UPDATE wrote)."""
    from service import achievements as service
    from service.audit import snapshot
    from service.models import Achievement, AuditEvent
    from service.security import Actor

    school = await make_institution()
    contributor = await make_user(Role.CONTRIBUTOR, school)
    verifier = await make_user(Role.VERIFIER)
    as_contributor = Actor(user_id=contributor.user.id, username=contributor.user.username, role=Role.CONTRIBUTOR,
                           institution_id=school.id, institution_path=school.path)
    as_verifier = Actor(user_id=verifier.user.id, username=verifier.user.username, role=Role.VERIFIER)
    a = await make_achievement(school, status=AchievementStatus.DRAFT)
    steps = [
        (lambda: service.submit_achievement(as_contributor, a.id), "achievement.submit"),
        (lambda: service.reject_achievement(as_verifier, a.id, "Bukti kurang jelas"), "achievement.reject"),
        (lambda: service.submit_achievement(as_contributor, a.id), "achievement.submit"),
        (lambda: service.verify_achievement(as_verifier, a.id), "achievement.verify"),
        (lambda: service.withdraw_verification(as_verifier, a.id, "Piagam palsu"),
         "achievement.withdraw_verification"),
    ]
    fields = [*service.AUDIT_FIELDS, "submitted_at", "verified_at", "updated_at"]
    for step, action in steps:
        returned = await step()
        stored = await Achievement.get(id=a.id)
        assert snapshot(returned, fields) == snapshot(stored, fields), action
        event = await AuditEvent.filter(action=action, target_id=str(a.id)).order_by("-id").first()
        assert event is not None and event.after == snapshot(stored, service.AUDIT_FIELDS), action


async def test_writes_sent_with_the_commit_are_all_or_nothing(db):
    """Audit lines, aggregate moves and duplicate hints go with the transaction's COMMIT on SQLite (at once
    elsewhere): they are stored exactly when the transaction is, and one that fails takes the whole
    transaction back; the connection is clean for the next one."""
    import pytest
    from tortoise.exceptions import IntegrityError
    from tortoise.transactions import in_transaction

    from service import audit
    from service.db import execute_deferred
    from service.models import AuditEvent, Institution
    from service.security import Actor

    actor = Actor(user_id=None, username="penguji", role=Role.ADMIN)
    async with in_transaction() as conn:
        await Institution.filter(id=-1).using_db(conn).update(name="x")
        await audit.record(actor, "test.kept", "Test", 1, before={"n": 1}, after={"n": [2, "é"]}, connection=conn)
    kept = await AuditEvent.filter(action="test.kept").first()
    assert kept is not None and kept.before == {"n": 1} and kept.after == {"n": [2, "é"]}
    assert kept.actor_username == "penguji" and kept.target_id == "1" and kept.created_at is not None

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with in_transaction() as conn:
            await audit.record(actor, "test.rolled_back", "Test", 2, connection=conn)
            raise Abort
    assert not await AuditEvent.filter(action="test.rolled_back").exists()

    school = await make_institution()
    with pytest.raises(IntegrityError):
        async with in_transaction() as conn:
            await Institution.filter(id=school.id).using_db(conn).update(name="Nama Baru")
            await audit.record(actor, "test.with_a_failing_write", "Test", 3, connection=conn)
            # A second row with the same primary key as the line above: the deferred writes fail together.
            await execute_deferred(conn, [(
                "INSERT INTO audit_event (id, action, target_type, created_at) VALUES (?, ?, ?, ?)",
                [kept.id, "test.duplicate", "Test", dt.datetime.now(dt.UTC)])])
    assert (await Institution.get(id=school.id)).name == school.name
    assert not await AuditEvent.filter(action__in=["test.with_a_failing_write", "test.duplicate"]).exists()
    async with in_transaction() as conn:
        await audit.record(actor, "test.after", "Test", 4, connection=conn)
    assert await AuditEvent.filter(action="test.after").exists()
