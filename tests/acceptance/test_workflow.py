"""The achievement workflow over HTTP, role by role: enter, submit, reject, correct, resubmit, verify."""

from __future__ import annotations

import datetime as dt

import pytest

from service.enums import AchievementStatus, InstitutionKind, Role
from service.models import Achievement, AuditEvent, PressRelease
from tests.acceptance.support import (
    CREATE,
    NODE_ACHIEVEMENT,
    REJECT,
    SUBMIT,
    UPDATE,
    VERIFY,
    achievement_input,
    codes,
    gid,
    payload,
)
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user


async def _dindikbud_with_school():
    dinas = await make_institution("Dinas Pendidikan dan Kebudayaan", InstitutionKind.PERANGKAT_DAERAH,
                                   kecamatan_code=None)
    school = await make_institution("SMP Negeri 1 Bobotsari", parent=dinas)
    return dinas, school


async def test_whole_workflow_by_role(gql):
    dinas, school = await _dindikbud_with_school()
    operator = await make_user(Role.CONTRIBUTOR, dinas)
    verifier = await make_user(Role.VERIFIER)
    student = await make_person(school, "Rina Kusuma", consent=False)
    category = await leaf_category("paduan-suara")

    # A Dindikbud operator enters an achievement for one of its schools.
    body = await gql(CREATE, {"input": achievement_input(
        school, category, personIds=[gid("Person", student.id)], title="  Juara 1 Paduan Suara  ",
    )}, login=operator)
    created = payload(body, "createAchievement")
    assert created["errors"] == []
    a = created["achievement"]
    assert a["status"] == "DRAFT" and a["title"] == "Juara 1 Paduan Suara"
    assert a["institution"]["name"] == "SMP Negeri 1 Bobotsari"
    assert a["kecamatan"]["code"] == "33.03.09", "kecamatan defaults to the institution's"
    assert a["achieverKind"] == "PERSON" and a["persons"][0]["name"] == "Rina Kusuma"
    assert a["category"]["parent"]["slug"] == "seni-budaya"
    assert a["submittedAt"] is None and a["pressReleases"] == []

    # The public does not see the draft.
    assert (await gql(NODE_ACHIEVEMENT, {"id": a["id"]}))["data"]["node"] is None

    submitted = payload(await gql(SUBMIT, {"id": a["id"]}, login=operator), "submitAchievement")
    assert submitted["errors"] == [] and submitted["achievement"]["status"] == "SUBMITTED"
    assert submitted["achievement"]["submittedAt"] is not None

    rejected = payload(await gql(REJECT, {"id": a["id"], "reason": "Piagam tidak terbaca."}, login=verifier),
                       "rejectAchievement")
    assert rejected["errors"] == []
    assert rejected["achievement"]["status"] == "REJECTED"
    assert rejected["achievement"]["rejectionReason"] == "Piagam tidak terbaca."

    # The operator corrects the rejected entry and resubmits it.
    edited = payload(await gql(UPDATE, {"id": a["id"], "input": {
        "evidenceUrls": ["https://example.org/piagam-jelas.pdf"], "location": "Semarang",
    }}, login=operator), "updateAchievement")
    assert edited["errors"] == [] and edited["achievement"]["status"] == "REJECTED"
    assert edited["achievement"]["location"] == "Semarang"
    resubmitted = payload(await gql(SUBMIT, {"id": a["id"]}, login=operator), "submitAchievement")
    assert resubmitted["achievement"]["status"] == "SUBMITTED"
    assert resubmitted["achievement"]["rejectionReason"] is None

    verified = payload(await gql(VERIFY, {"id": a["id"]}, login=verifier), "verifyAchievement")
    assert verified["errors"] == []
    v = verified["achievement"]
    assert v["status"] == "VERIFIED" and v["verifiedAt"] is not None
    # DateTime is ISO 8601 with an offset; Date is YYYY-MM-DD.
    assert dt.datetime.fromisoformat(v["verifiedAt"]).utcoffset() is not None and v["date"] == "2026-10-12"
    # Verification drafts a press release in the same step.
    assert len(v["pressReleases"]) == 1 and v["pressReleases"][0]["status"] == "DRAFT"

    # Now the public sees it, with the name of a person without consent reduced to initials.
    public = (await gql(NODE_ACHIEVEMENT, {"id": a["id"]}))["data"]["node"]
    assert public["status"] == "VERIFIED"
    assert public["persons"][0]["name"] == "R. K."
    assert public["pressReleases"] == [], "a draft release stays hidden from the public"

    pk = (await Achievement.get(title="Juara 1 Paduan Suara")).id
    actions = await AuditEvent.filter(target_type="Achievement", target_id=str(pk)).order_by("id").values_list(
        "action", flat=True
    )
    assert list(actions) == [
        "achievement.create", "achievement.submit", "achievement.reject", "achievement.update",
        "achievement.submit", "achievement.verify",
    ]
    reject_event = await AuditEvent.get(action="achievement.reject")
    assert reject_event.before["status"] == "SUBMITTED" and reject_event.after["status"] == "REJECTED"
    assert reject_event.actor_id == verifier.user.id


async def test_admin_enters_and_verifies(gql):
    school = await make_institution()
    admin = await make_user(Role.ADMIN)
    category = await leaf_category()
    a = payload(await gql(CREATE, {"input": achievement_input(school, category)}, login=admin),
                "createAchievement")["achievement"]
    assert payload(await gql(SUBMIT, {"id": a["id"]}, login=admin), "submitAchievement")["errors"] == []
    v = payload(await gql(VERIFY, {"id": a["id"]}, login=admin), "verifyAchievement")["achievement"]
    assert v["status"] == "VERIFIED"
    # An administrator may still correct a verified achievement.
    fixed = payload(await gql(UPDATE, {"id": a["id"], "input": {"title": "Juara 2 Paduan Suara", "rank": "JUARA_2"}},
                              login=admin), "updateAchievement")
    assert fixed["errors"] == [] and fixed["achievement"]["rank"] == "JUARA_2"
    assert fixed["achievement"]["status"] == "VERIFIED"


async def test_dindikbud_refused_for_school_outside_it(gql):
    dinas, _ = await _dindikbud_with_school()
    foreign_school = await make_institution("SMA Negeri 1 Purbalingga", kecamatan_code="33.03.06")
    operator = await make_user(Role.CONTRIBUTOR, dinas)
    body = await gql(CREATE, {"input": achievement_input(foreign_school, await leaf_category())},
                     login=operator, expect_errors=True)
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert await Achievement.all().count() == 0
    assert await AuditEvent.all().count() == 0


async def test_school_operator_cannot_act_for_its_parent_or_siblings(gql):
    dinas, school = await _dindikbud_with_school()
    sibling = await make_institution("SMP Negeri 2 Bobotsari", parent=dinas)
    operator = await make_user(Role.CONTRIBUTOR, school)
    for target in (dinas, sibling):
        body = await gql(CREATE, {"input": achievement_input(target, await leaf_category())},
                         login=operator, expect_errors=True)
        assert codes(body) == ["FORBIDDEN"]
    assert await Achievement.all().count() == 0


async def test_kecamatan_office_acts_for_its_village_governments(gql):
    office = await make_institution("Kecamatan Bobotsari", InstitutionKind.KECAMATAN)
    desa_gov = await make_institution("Pemerintah Desa Banjarsari", InstitutionKind.PEMERINTAH_DESA, parent=office)
    operator = await make_user(Role.CONTRIBUTOR, office)
    body = await gql(CREATE, {"input": achievement_input(desa_gov, await leaf_category("tertib-administrasi-desa"),
                                                         level="KABUPATEN")}, login=operator)
    assert payload(body, "createAchievement")["errors"] == []


async def _state_of(pk: int):
    a = await Achievement.get(id=pk)
    return a.status, a.version, a.updated_at, await AuditEvent.all().count()


@pytest.mark.parametrize(
    ("status", "mutation", "variables", "role"),
    [
        (AchievementStatus.DRAFT, VERIFY, {}, Role.VERIFIER),
        (AchievementStatus.DRAFT, REJECT, {"reason": "Tidak lengkap."}, Role.VERIFIER),
        (AchievementStatus.SUBMITTED, SUBMIT, {}, Role.CONTRIBUTOR),
        (AchievementStatus.VERIFIED, SUBMIT, {}, Role.CONTRIBUTOR),
        (AchievementStatus.VERIFIED, VERIFY, {}, Role.VERIFIER),
        (AchievementStatus.VERIFIED, REJECT, {"reason": "Tidak lengkap."}, Role.ADMIN),
        (AchievementStatus.REJECTED, VERIFY, {}, Role.ADMIN),
        (AchievementStatus.REJECTED, REJECT, {"reason": "Tidak lengkap."}, Role.VERIFIER),
        (AchievementStatus.SUBMITTED, UPDATE, {"input": {"title": "Judul baru"}}, Role.CONTRIBUTOR),
        (AchievementStatus.VERIFIED, UPDATE, {"input": {"title": "Judul baru"}}, Role.CONTRIBUTOR),
    ],
)
async def test_wrong_state_is_invalid_transition_and_changes_nothing(gql, status, mutation, variables, role):
    school = await make_institution()
    login = await make_user(role, school if role == Role.CONTRIBUTOR else None)
    a = await make_achievement(school, status=status)
    before = await _state_of(a.id)
    body = await gql(mutation, {"id": gid("Achievement", a.id), **variables}, login=login)
    result = next(iter(body["data"].values()))
    assert result["achievement"] is None
    assert [e["code"] for e in result["errors"]] == ["INVALID_TRANSITION"]
    assert result["errors"][0]["field"] is None
    assert "tidak dapat" in result["errors"][0]["message"]
    assert await _state_of(a.id) == before
    assert await PressRelease.all().count() == 0


async def test_submit_without_evidence_is_refused(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    a = await make_achievement(school, status=AchievementStatus.DRAFT, evidence_url=None)
    body = await gql(SUBMIT, {"id": gid("Achievement", a.id)}, login=operator)
    errors = body["data"]["submitAchievement"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("evidence", "REQUIRED")]
    assert "bukti" in errors[0]["message"]
    assert (await Achievement.get(id=a.id)).status == AchievementStatus.DRAFT


async def test_reject_needs_a_reason(gql):
    school = await make_institution()
    verifier = await make_user(Role.VERIFIER)
    a = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    body = await gql(REJECT, {"id": gid("Achievement", a.id), "reason": "   "}, login=verifier)
    errors = body["data"]["rejectAchievement"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("reason", "REQUIRED")]
    assert (await Achievement.get(id=a.id)).status == AchievementStatus.SUBMITTED


async def test_other_institution_cannot_touch_a_draft_it_cannot_see(gql):
    school = await make_institution()
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    intruder = await make_user(Role.CONTRIBUTOR, other)
    a = await make_achievement(school, status=AchievementStatus.DRAFT)
    for mutation, extra in ((UPDATE, {"input": {"title": "Diubah"}}), (SUBMIT, {})):
        body = await gql(mutation, {"id": gid("Achievement", a.id), **extra}, login=intruder)
        result = next(iter(body["data"].values()))
        assert [e["code"] for e in result["errors"]] == ["NOT_FOUND"]
    assert (await Achievement.get(id=a.id)).title == a.title


async def test_other_institution_cannot_edit_a_verified_achievement_it_sees(gql):
    school = await make_institution()
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    intruder = await make_user(Role.CONTRIBUTOR, other)
    a = await make_achievement(school, status=AchievementStatus.REJECTED)
    await Achievement.filter(id=a.id).update(status=AchievementStatus.VERIFIED)
    body = await gql(UPDATE, {"id": gid("Achievement", a.id), "input": {"title": "Diubah"}},
                     login=intruder, expect_errors=True)
    assert codes(body) == ["FORBIDDEN"]
    assert (await Achievement.get(id=a.id)).title == a.title


async def test_required_fields_cannot_be_cleared_by_an_update(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    a = await make_achievement(school, status=AchievementStatus.DRAFT)
    body = await gql(UPDATE, {"id": gid("Achievement", a.id), "input": {
        "title": None, "level": None, "rank": None, "categoryId": None, "date": None, "institutionId": None}},
        login=operator)
    errors = body["data"]["updateAchievement"]["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("title", "REQUIRED"), ("level", "REQUIRED"), ("rank", "REQUIRED"), ("categoryId", "REQUIRED"),
        ("date", "REQUIRED"), ("institutionId", "REQUIRED")}
    assert (await Achievement.get(id=a.id)).version == a.version


async def test_loaders_are_fresh_after_each_write_in_one_request(gql):
    """Two edits in one document: the second payload shows the second edit, not what the first one cached."""
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    first = await make_person(school, "Ayu Lestari")
    second = await make_person(school, "Bima Saputra")
    a = await make_achievement(school, status=AchievementStatus.DRAFT, persons=[first])
    q = """mutation($id: ID!, $p1: [ID!], $p2: [ID!]) {
      one: updateAchievement(id: $id, input: {personIds: $p1}) { achievement { persons { name } } errors { code } }
      two: updateAchievement(id: $id, input: {personIds: $p2}) { achievement { persons { name } } errors { code } }
    }"""
    body = await gql(q, {"id": gid("Achievement", a.id), "p1": [gid("Person", first.id)],
                         "p2": [gid("Person", second.id)]}, login=operator)
    assert body["data"]["one"]["achievement"]["persons"] == [{"name": "Ayu Lestari"}]
    assert body["data"]["two"]["achievement"]["persons"] == [{"name": "Bima Saputra"}]


async def test_dindikbud_registers_a_person_of_its_school_and_enters_their_win(gql):
    dinas, school = await _dindikbud_with_school()
    operator = await make_user(Role.CONTRIBUTOR, dinas)
    q = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
      person { id name institution { id } } errors { field code message } } }"""
    created = payload(await gql(q, {"input": {"name": "Galih Pratama", "institutionId": gid("Institution", school.id),
                                              "publicationConsent": True}}, login=operator), "createPerson")
    assert created["errors"] == [] and created["person"]["institution"]["id"] == gid("Institution", school.id)
    body = await gql(CREATE, {"input": achievement_input(school, await leaf_category("atletik"),
                                                         personIds=[created["person"]["id"]])}, login=operator)
    a = payload(body, "createAchievement")["achievement"]
    assert [p["name"] for p in a["persons"]] == ["Galih Pratama"] and a["achieverKind"] == "PERSON"
