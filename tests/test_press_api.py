"""Press releases over HTTP: the GraphQL mutations for allowed and refused roles, formats, revisions, Word."""

from __future__ import annotations

import io

import pytest
from docx import Document

from schema.ids import encode_id
from service.enums import AchievementStatus, Role
from service.models import Kecamatan, PressRelease
from tests.factories import make_achievement, make_institution, make_person, make_user

GENERATE = """
mutation($id: ID!, $template: String) {
  generatePressRelease(achievementId: $id, template: $template) {
    pressRelease { id title status version template body achievement { id } }
    errors { field code message }
  }
}"""
UPDATE = """
mutation($id: ID!, $v: Int!, $input: PressReleaseInput!) {
  updatePressRelease(id: $id, expectedVersion: $v, input: $input) {
    pressRelease {
      id title version body html: body(format: HTML) text: body(format: TEXT)
      revisions { version title body createdAt editor { username } }
    }
    errors { field code message }
  }
}"""
STATUS = """
mutation($id: ID!, $status: PressReleaseStatus!) {
  setPressReleaseStatus(id: $id, status: $status) {
    pressRelease { id status publishedAt }
    errors { field code message }
  }
}"""
ROUNDUP = """
mutation($input: RoundupInput!) {
  generateRoundup(input: $input) {
    pressRelease { id title template achievement { id } body }
    errors { field code message }
  }
}"""


async def _verified():
    school = await make_institution("SMP Negeri 1 Bobotsari")
    person = await make_person(school, "Rina Kusuma", consent=False)
    return await make_achievement(school, persons=[person])


async def _generate(gql, login, achievement, template=None):
    body = await gql(GENERATE, {"id": encode_id("Achievement", achievement.id), "template": template}, login=login)
    return body["data"]["generatePressRelease"]


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
async def test_editors_and_admins_run_the_whole_lifecycle(gql, role):
    login = await make_user(role)
    achievement = await _verified()
    payload = await _generate(gql, login, achievement, "perorangan/1")
    assert payload["errors"] == []
    release = payload["pressRelease"]
    assert release["status"] == "DRAFT" and release["version"] == 1 and release["template"] == "perorangan/1"
    assert release["achievement"]["id"] == encode_id("Achievement", achievement.id)
    assert "Rina" not in release["body"] and "Seorang siswa SMP Negeri 1 Bobotsari" in release["body"]

    refused = (await gql(STATUS, {"id": release["id"], "status": "PUBLISHED"}, login=login))["data"]
    assert refused["setPressReleaseStatus"]["errors"][0]["code"] == "INVALID"
    assert refused["setPressReleaseStatus"]["pressRelease"] is None

    edited = (await gql(UPDATE, {"id": release["id"], "v": 1, "input": {
        "title": "Siswa SMP Negeri 1 Bobotsari Juara Paduan Suara",
        "body": "PURBALINGGA, INFO – Isi **lengkap**.\n\n<script>alert(1)</script> (LPU/Kominfo)\n",
    }}, login=login))["data"]["updatePressRelease"]
    assert edited["errors"] == []
    saved = edited["pressRelease"]
    assert saved["version"] == 2 and "<strong>lengkap</strong>" in saved["html"] and "<script" not in saved["html"]
    assert "**" not in saved["text"]
    assert [r["version"] for r in saved["revisions"]] == [1]
    assert saved["revisions"][0]["body"] == release["body"] and saved["revisions"][0]["editor"]["username"]

    stale = (await gql(UPDATE, {"id": release["id"], "v": 1, "input": {"body": "Basi"}}, login=login))["data"]
    assert stale["updatePressRelease"]["errors"][0]["code"] == "VERSION_CONFLICT"
    assert stale["updatePressRelease"]["pressRelease"] is None
    assert (await PressRelease.get(achievement_id=achievement.id)).version == 2

    published = (await gql(STATUS, {"id": release["id"], "status": "PUBLISHED"}, login=login))["data"]
    assert published["setPressReleaseStatus"]["pressRelease"]["status"] == "PUBLISHED"
    assert published["setPressReleaseStatus"]["pressRelease"]["publishedAt"]
    wrong = (await gql(STATUS, {"id": release["id"], "status": "DRAFT"}, login=login))["data"]
    assert wrong["setPressReleaseStatus"]["errors"][0]["code"] == "INVALID_TRANSITION"


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.CONTRIBUTOR, None])
async def test_other_roles_are_refused_every_press_mutation(gql, role):
    school = await make_institution()
    login = await make_user(role, school if role == Role.CONTRIBUTOR else None) if role else None
    editor = await make_user(Role.EDITOR)
    achievement = await make_achievement(school)
    release_id = (await _generate(gql, editor, achievement))["pressRelease"]["id"]
    expected = "UNAUTHENTICATED" if role is None else "FORBIDDEN"
    calls = [
        (GENERATE, {"id": encode_id("Achievement", achievement.id)}, "generatePressRelease"),
        (UPDATE, {"id": release_id, "v": 1, "input": {"body": "x"}}, "updatePressRelease"),
        (STATUS, {"id": release_id, "status": "IN_REVIEW"}, "setPressReleaseStatus"),
        (ROUNDUP, {"input": {"dateFrom": "2026-10-01", "dateTo": "2026-10-31"}}, "generateRoundup"),
    ]
    for query, variables, field in calls:
        body = await gql(query, variables, login=login, expect_errors=True)
        assert body["data"] is None or body["data"][field] is None
        assert body["errors"][0]["extensions"]["code"] == expected, field
    rows = await PressRelease.all()
    assert [(r.version, r.status) for r in rows] == [(1, "DRAFT")]


async def test_generate_refuses_unverified_and_bad_ids(gql):
    editor = await make_user(Role.EDITOR)
    school = await make_institution()
    submitted = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    payload = await _generate(gql, editor, submitted)
    assert payload["pressRelease"] is None and payload["errors"][0]["code"] == "INVALID"
    bad = await gql(GENERATE, {"id": "bm90LWFuLWlk"}, login=editor)
    assert bad["data"]["generatePressRelease"]["errors"][0]["code"] == "INVALID"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
async def test_generate_roundup_over_http(gql, role):
    login = await make_user(role)
    school = await make_institution("SMP Negeri 1 Bobotsari")
    await make_achievement(school)
    kecamatan = await Kecamatan.get(code="33.03.09")
    body = await gql(ROUNDUP, {"input": {
        "dateFrom": "2026-10-01", "dateTo": "2026-10-31", "kecamatanId": encode_id("Kecamatan", kecamatan.id),
    }}, login=login)
    payload = body["data"]["generateRoundup"]
    assert payload["errors"] == []
    assert payload["pressRelease"]["achievement"] is None
    assert payload["pressRelease"]["template"].startswith("rekap/")
    assert "SMP Negeri 1 Bobotsari" in payload["pressRelease"]["body"]
    empty = await gql(ROUNDUP, {"input": {"dateFrom": "2020-01-01", "dateTo": "2020-01-31"}}, login=login)
    assert empty["data"]["generateRoundup"]["errors"][0]["code"] == "NOT_FOUND"
    reversed_ = await gql(ROUNDUP, {"input": {"dateFrom": "2026-02-01", "dateTo": "2026-01-01"}}, login=login)
    assert reversed_["data"]["generateRoundup"]["errors"][0]["field"] == "dateTo"


async def test_revisions_are_for_staff_only(gql):
    editor = await make_user(Role.EDITOR)
    release_id = (await _generate(gql, editor, await _verified()))["pressRelease"]["id"]
    await gql(UPDATE, {"id": release_id, "v": 1, "input": {"title": "Judul", "body": "Isi. (LPU/Kominfo)"}}, login=editor)
    await gql(STATUS, {"id": release_id, "status": "PUBLISHED"}, login=editor)
    query = "query($id: ID!) { node(id: $id) { ... on PressRelease { title revisions { version } } } }"
    anonymous = (await gql(query, {"id": release_id}))["data"]["node"]
    assert anonymous["title"] == "Judul" and anonymous["revisions"] == []
    staff = (await gql(query, {"id": release_id}, login=editor))["data"]["node"]
    assert [r["version"] for r in staff["revisions"]] == [1]


async def test_word_export_follows_the_api_access_rules(gql, client):
    editor = await make_user(Role.EDITOR)
    release = (await _generate(gql, editor, await _verified()))["pressRelease"]
    path = f"/press-releases/{release['id']}.docx"
    assert (await client.get(path)).status_code == 404  # a draft is not public
    assert (await client.get(path, headers={"Authorization": "Bearer salah"})).status_code == 401
    resp = await client.get(path, headers=editor.headers)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in resp.headers["content-disposition"]
    texts = [p.text for p in Document(io.BytesIO(resp.content)).paragraphs]
    assert texts[0] == release["title"] and texts[1].startswith("PURBALINGGA, INFO – ")
    await gql(UPDATE, {"id": release["id"], "v": 1, "input": {"title": "Judul Terbit", "body": "Isi terbit. (LPU/Kominfo)"}},
              login=editor)
    await gql(STATUS, {"id": release["id"], "status": "PUBLISHED"}, login=editor)
    public = await client.get(path)
    assert public.status_code == 200
    assert [p.text for p in Document(io.BytesIO(public.content)).paragraphs][:2] == ["Judul Terbit", "Isi terbit. (LPU/Kominfo)"]
    pk = (await PressRelease.first()).id
    assert (await client.get(f"/press-releases/{pk}.docx")).status_code == 200
    assert (await client.get("/press-releases/bm9wZQ==.docx")).status_code == 404
