"""Evidence uploads: recognised by content, size limit, CSRF guard, download visibility, editable states only."""

from __future__ import annotations

import hashlib
import json

from schema.ids import encode_id
from service.config import get_settings, override_settings
from service.enums import AchievementStatus, Role
from service.models import AuditEvent, Evidence
from tests.factories import make_achievement, make_institution, make_user

CSRF = {"X-Requested-With": "XMLHttpRequest"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32

UPLOAD = """
mutation($input: UploadEvidenceInput!) {
  uploadEvidence(input: $input) {
    evidence { id kind url fileName contentType size sha256 description }
    achievement { id version evidence { id } }
    errors { field code message }
  }
}
"""
REMOVE = """
mutation($id: ID!) { removeEvidence(id: $id) { removedEvidenceId achievement { evidence { id } } errors { code } } }
"""
SUBMIT = "mutation($id: ID!) { submitAchievement(id: $id) { achievement { status } errors { field code message } } }"


async def upload(client, login, achievement_id: int, content: bytes, name="piagam.pdf", headers=None,
                 description=None):
    variables = {"input": {"achievementId": encode_id("Achievement", achievement_id), "file": None,
                           "description": description}}
    return await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": UPLOAD, "variables": variables}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (name, content, "application/pdf")},
        headers={**(login.headers if login else {}), **(CSRF if headers is None else headers)},
    )


async def _setup(status=AchievementStatus.DRAFT):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    login = await make_user(Role.CONTRIBUTOR, school)
    achievement = await make_achievement(school, status=status, evidence_url=None)
    return school, login, achievement


async def test_upload_stores_file_with_hash_and_serves_it(client):
    _, login, achievement = await _setup()
    resp = await upload(client, login, achievement.id, PDF, name="../../Piagam Juara “1”.pdf",
                        description="Piagam dari panitia")
    payload = resp.json()["data"]["uploadEvidence"]
    assert payload["errors"] == []
    ev = payload["evidence"]
    assert ev["kind"] == "FILE" and ev["contentType"] == "application/pdf" and ev["size"] == len(PDF)
    assert ev["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert ev["fileName"] == "Piagam Juara “1”.pdf"
    assert payload["achievement"]["version"] == achievement.version + 1
    row = await Evidence.get(achievement_id=achievement.id)
    stored = get_settings().evidence_dir / row.storage_key
    assert stored.read_bytes() == PDF
    assert "Piagam" not in row.storage_key  # random name on disk
    assert await AuditEvent.filter(action="evidence.upload", target_id=str(row.id)).exists()

    got = await client.get(ev["url"], headers=login.headers)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Piagam Juara _1_.pdf"')
    assert "filename*=UTF-8''Piagam%20Juara%20%E2%80%9C1%E2%80%9D.pdf" in disposition


async def test_type_is_decided_by_content_not_name(client):
    _, login, achievement = await _setup()
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    resp = await upload(client, login, achievement.id, html, name="piagam.pdf")
    payload = resp.json()["data"]["uploadEvidence"]
    assert payload["evidence"] is None
    assert payload["errors"][0]["code"] == "UNSUPPORTED_TYPE" and payload["errors"][0]["field"] == "file"
    # a real PNG named .pdf is accepted as a PNG, and its download name says so
    resp = await upload(client, login, achievement.id, PNG, name="foto.pdf")
    ev = resp.json()["data"]["uploadEvidence"]["evidence"]
    assert ev["contentType"] == "image/png" and ev["fileName"] == "foto.png"
    resp = await upload(client, login, achievement.id, WEBP, name="foto")
    assert resp.json()["data"]["uploadEvidence"]["evidence"]["contentType"] == "image/webp"
    assert await Evidence.filter(achievement_id=achievement.id).count() == 2
    leftovers = [p for p in get_settings().evidence_dir.rglob("*") if p.is_file() and p.name.startswith(".upload")]
    assert leftovers == []


async def test_size_limit(client):
    _, login, achievement = await _setup()
    settings = get_settings()
    override_settings(settings.__class__(**{**settings.__dict__, "max_upload_bytes": 1024}))
    try:
        resp = await upload(client, login, achievement.id, PDF + b"0" * 2048)
    finally:
        override_settings(settings)
    payload = resp.json()["data"]["uploadEvidence"]
    assert payload["errors"][0]["code"] == "TOO_LARGE"
    assert not await Evidence.filter(achievement_id=achievement.id).exists()


async def test_plain_cross_site_multipart_post_is_refused(client):
    _, login, achievement = await _setup()
    resp = await upload(client, login, achievement.id, PDF, headers={})
    assert resp.status_code in (400, 403)
    assert not await Evidence.filter(achievement_id=achievement.id).exists()
    # a form post of the GraphQL query as text is not accepted either
    resp = await client.post("/graphql", content=b'{"query":"{ me { id } }"}',
                             headers={"content-type": "text/plain", **login.headers})
    assert resp.status_code in (400, 415)


async def test_download_follows_achievement_visibility(client):
    school, login, achievement = await _setup()
    ev_id = (await upload(client, login, achievement.id, PDF)).json()["data"]["uploadEvidence"]["evidence"]["url"]
    other_school = await make_institution("SMP Negeri 2 Bobotsari")
    stranger = await make_user(Role.CONTRIBUTOR, other_school)
    verifier = await make_user(Role.VERIFIER)
    assert (await client.get(ev_id)).status_code == 404  # anonymous, DRAFT
    assert (await client.get(ev_id, headers=stranger.headers)).status_code == 404
    assert (await client.get(ev_id, headers=verifier.headers)).status_code == 200
    assert (await client.get(ev_id, headers={"Authorization": "Bearer nonsense"})).status_code == 401
    await achievement.__class__.filter(id=achievement.id).update(status=AchievementStatus.VERIFIED)
    assert (await client.get(ev_id)).status_code == 200  # public once verified
    assert (await client.get("/evidence/999999")).status_code == 404
    assert (await client.get("/evidence/..%2F..%2Fetc%2Fpasswd")).status_code == 404


async def test_only_editable_achievements_of_own_institution(client, gql):
    school, login, achievement = await _setup(AchievementStatus.SUBMITTED)
    resp = await upload(client, login, achievement.id, PDF)
    assert resp.json()["data"]["uploadEvidence"]["errors"][0]["code"] == "INVALID_TRANSITION"

    other = await make_institution("SMP Negeri 2 Bobotsari")
    stranger = await make_user(Role.CONTRIBUTOR, other)
    draft = await make_achievement(school, status=AchievementStatus.DRAFT, evidence_url=None)
    resp = await upload(client, stranger, draft.id, PDF)
    body = resp.json()
    assert body["data"]["uploadEvidence"]["errors"][0]["code"] == "NOT_FOUND"  # a foreign draft is invisible

    verified = await make_achievement(school, status=AchievementStatus.VERIFIED, evidence_url=None)
    resp = await upload(client, stranger, verified.id, PDF)
    assert resp.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    editor = await make_user(Role.EDITOR)
    resp = await upload(client, editor, draft.id, PDF)
    assert resp.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await Evidence.filter(achievement_id__in=[draft.id, verified.id, achievement.id]).exists()


async def test_submit_needs_evidence_and_remove_evidence(client, gql):
    _, login, achievement = await _setup()
    aid = encode_id("Achievement", achievement.id)
    refused = (await gql(SUBMIT, {"id": aid}, login))["data"]["submitAchievement"]
    assert refused["errors"][0]["code"] == "REQUIRED" and refused["errors"][0]["field"] == "evidence"

    ev = (await upload(client, login, achievement.id, PDF)).json()["data"]["uploadEvidence"]["evidence"]
    stored = get_settings().evidence_dir / (await Evidence.get(achievement_id=achievement.id)).storage_key
    removed = (await gql(REMOVE, {"id": ev["id"]}, login))["data"]["removeEvidence"]
    assert removed["errors"] == [] and removed["achievement"]["evidence"] == []
    assert not stored.exists()
    assert (await gql(SUBMIT, {"id": aid}, login))["data"]["submitAchievement"]["errors"][0]["code"] == "REQUIRED"

    await upload(client, login, achievement.id, PDF)
    submitted = (await gql(SUBMIT, {"id": aid}, login))["data"]["submitAchievement"]
    assert submitted["errors"] == [] and submitted["achievement"]["status"] == "SUBMITTED"
    # once submitted, evidence can no longer be removed
    ev_id = encode_id("Evidence", (await Evidence.get(achievement_id=achievement.id)).id)
    again = (await gql(REMOVE, {"id": ev_id}, login))["data"]["removeEvidence"]
    assert again["errors"][0]["code"] == "INVALID_TRANSITION"
