"""Quotes from the source end to end, the token rules, bylines, and the release formats (feed, Word, text)."""

from __future__ import annotations

import datetime as dt
import io
import re

import feedparser
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm

from schema.ids import encode_id
from service import accounts
from service.enums import PressReleaseStatus, QuoteRequestStatus, Role
from service.models import AuditEvent, PressRelease, PressReleaseRevision, QuoteRequest, User
from service.press import quotes
from tests.factories import make_achievement, make_institution, make_person, make_user

GENERATE = """
mutation($id: ID!) { generatePressRelease(achievementId: $id) {
  pressRelease { id version body } errors { field code message } } }"""
REQUEST = """
mutation($id: ID!, $input: QuoteRequestInput!) { requestQuote(pressReleaseId: $id, input: $input) {
  quoteRequest { id url status expiresAt recipientName pressRelease { id } } errors { field code message } } }"""
SUBMIT = """
mutation($token: String!, $input: QuoteInput!) { submitQuote(token: $token, input: $input) {
  ok errors { field code message } } }"""
READ = """
query($id: ID!) { node(id: $id) { ... on PressRelease { version body text: body(format: TEXT)
  html: body(format: HTML) needsReviewReason quoteRequests { id url status answeredAt } } } }"""
UPDATE = """
mutation($id: ID!, $v: Int!, $input: PressReleaseInput!) { updatePressRelease(id: $id, expectedVersion: $v, input: $input) {
  pressRelease { id version } errors { field code message } } }"""
STATUS = """
mutation($id: ID!, $status: PressReleaseStatus!) { setPressReleaseStatus(id: $id, status: $status) {
  pressRelease { id status } errors { field code message } } }"""
QUOTE = {"text": "Kami bangga atas kerja keras anak-anak dan para pelatih.", "speakerName": "Siti Nurjanah",
         "speakerPosition": "Kepala SMP Negeri 1 Bobotsari"}


async def _draft(gql, editor):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    person = await make_person(school, "Gita Ayu Lestari")
    achievement = await make_achievement(school, persons=[person])
    return (await gql(GENERATE, {"id": encode_id("Achievement", achievement.id)}, login=editor))["data"][
        "generatePressRelease"]["pressRelease"]


async def _request(gql, editor, release_id):
    payload = (await gql(REQUEST, {"id": release_id, "input": {
        "recipientName": "Siti Nurjanah", "recipientPosition": "Kepala SMP Negeri 1 Bobotsari"}}, login=editor))[
        "data"]["requestQuote"]
    assert payload["errors"] == []
    return payload["quoteRequest"]


async def test_quote_request_end_to_end(gql, client):
    editor = await make_user(Role.EDITOR)
    release = await _draft(gql, editor)
    assert "“[[ kutipan tanggapan Kepala SMP Negeri 1 Bobotsari" in release["body"]
    request = await _request(gql, editor, release["id"])
    assert request["status"] == "OPEN" and request["pressRelease"]["id"] == release["id"]
    url = request["url"]
    assert url.startswith("http://testserver/kutipan/")
    token = url.rsplit("/", 1)[1]
    # Stored only as a hash; the url is never shown again.
    row = await QuoteRequest.get()
    assert token not in (row.token_hash, row.recipient_name) and row.token_hash == quotes.hash_token(token)
    expires = dt.datetime.fromisoformat(request["expiresAt"])
    assert dt.timedelta(days=6, hours=23) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=7)
    read = (await gql(READ, {"id": release["id"]}, login=editor))["data"]["node"]
    assert [q["url"] for q in read["quoteRequests"]] == [None]

    # The public page: Indonesian, labelled fields, no inline script, a strict CSP, the token not leaked on.
    page = await client.get(f"/kutipan/{token}")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="id">' in html and 'name="viewport"' in html
    for field in ("text", "speakerName", "speakerPosition"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None and "style=" not in html
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
    assert "Gita" in html or "Siswa" in html or "SMP Negeri 1 Bobotsari" in html  # the release title
    script = await client.get("/static/kutipan/kutipan.js")
    assert script.status_code == 200 and "submitQuote" in script.text

    # What the page's script sends: anonymous, the token from the link.
    answer = (await gql(SUBMIT, {"token": token, "input": QUOTE}))["data"]["submitQuote"]
    assert answer == {"ok": True, "errors": []}
    after = (await gql(READ, {"id": release["id"]}, login=editor))["data"]["node"]
    assert after["version"] == release["version"] + 1
    assert "“Kami bangga atas kerja keras anak-anak dan para pelatih,” " in after["body"]
    assert "Kepala SMP Negeri 1 Bobotsari Siti Nurjanah." in after["body"]
    assert "kutipan tanggapan" not in after["body"]
    assert after["quoteRequests"][0]["status"] == "ANSWERED" and after["quoteRequests"][0]["answeredAt"]
    revision = await PressReleaseRevision.get(version=release["version"])
    assert revision.signed_by == "Kutipan dari Siti Nurjanah, Kepala SMP Negeri 1 Bobotsari"
    assert revision.body == release["body"]
    event = await AuditEvent.get(action="quote_request.answer")
    assert event.actor_id is None and event.after["speakerName"] == "Siti Nurjanah"  # type: ignore[index]

    # Single use: the same token again, and the page, are "not found".
    again = (await gql(SUBMIT, {"token": token, "input": QUOTE}))["data"]["submitQuote"]
    assert again["ok"] is False and again["errors"][0]["code"] == "NOT_FOUND"
    assert (await client.get(f"/kutipan/{token}")).status_code == 404


async def test_unknown_used_and_expired_tokens_look_the_same(gql, client):
    editor = await make_user(Role.EDITOR)
    release = await _draft(gql, editor)
    expired = (await _request(gql, editor, release["id"]))["url"].rsplit("/", 1)[1]
    await QuoteRequest.filter(token_hash=quotes.hash_token(expired)).update(
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    messages = set()
    for token in (expired, "tidak-ada", "x" * 500, ""):
        answer = (await gql(SUBMIT, {"token": token, "input": QUOTE}))["data"]["submitQuote"]
        assert answer["ok"] is False and [e["code"] for e in answer["errors"]] == ["NOT_FOUND"]
        messages.add(answer["errors"][0]["message"])
    assert len(messages) == 1
    assert (await client.get(f"/kutipan/{expired}")).status_code == 404
    body = (await gql(READ, {"id": release["id"]}, login=editor))["data"]["node"]
    assert body["version"] == release["version"] and body["quoteRequests"][0]["status"] == "EXPIRED"
    # A bad quote with a good token is a field error, and the token stays usable.
    good = (await _request(gql, editor, release["id"]))["url"].rsplit("/", 1)[1]
    bad = (await gql(SUBMIT, {"token": good, "input": {**QUOTE, "text": " [[ x ]] "}}))["data"]["submitQuote"]
    assert bad["errors"][0]["field"] == "text"
    assert (await gql(SUBMIT, {"token": good, "input": QUOTE}))["data"]["submitQuote"]["ok"] is True


async def test_a_published_release_is_never_changed_by_a_quote(gql):
    editor = await make_user(Role.EDITOR)
    release = await _draft(gql, editor)
    token = (await _request(gql, editor, release["id"]))["url"].rsplit("/", 1)[1]
    await gql(UPDATE, {"id": release["id"], "v": release["version"], "input": {
        "body": "PURBALINGGA, INFO – Isi lengkap. (LPU/Kominfo)\n"}}, login=editor)
    published = (await gql(STATUS, {"id": release["id"], "status": "PUBLISHED"}, login=editor))["data"]
    assert published["setPressReleaseStatus"]["errors"] == []
    answer = (await gql(SUBMIT, {"token": token, "input": QUOTE}))["data"]["submitQuote"]
    assert answer["ok"] is True  # the quote is kept on the request for the editor
    row = await PressRelease.get()
    assert row.status == PressReleaseStatus.PUBLISHED and "Kami bangga" not in row.body
    assert (await QuoteRequest.get()).status == QuoteRequestStatus.ANSWERED
    # And no new link for a published release.
    refused = (await gql(REQUEST, {"id": release["id"], "input": {
        "recipientName": "A", "recipientPosition": "B"}}, login=editor))["data"]["requestQuote"]
    assert refused["errors"][0]["code"] == "INVALID"


async def test_only_editors_request_quotes(gql):
    editor = await make_user(Role.EDITOR)
    release = await _draft(gql, editor)
    for role in (Role.VERIFIER, Role.CONTRIBUTOR):
        login = await make_user(role, await make_institution(f"Instansi {role.value}"))
        answer = await gql(REQUEST, {"id": release["id"], "input": {
            "recipientName": "A", "recipientPosition": "B"}}, login=login, expect_errors=True)
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(REQUEST, {"id": release["id"], "input": {"recipientName": "A", "recipientPosition": "B"}},
                          expect_errors=True)
    assert anonymous["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED")
    assert await QuoteRequest.all().count() == 0


def test_the_quote_fills_the_first_slot_only():
    body = ("PURBALINGGA, INFO – Isi.\n\n“[[ kutipan tanggapan Kepala Desa Kedungbenda atas prestasi ini ]],” "
            "ujar Kepala Desa Kedungbenda [[ nama ]].\n\n“[[ kutipan harapan atau pesan penutup ]],” pungkasnya. "
            "(LPU/Kominfo)\n")
    filled = quotes.fill_first_slot(body, "Terima kasih warga", "Sutarno", "Kepala Desa Kedungbenda")
    assert "“Terima kasih warga,” ujar Kepala Desa Kedungbenda Sutarno." in filled
    assert "[[ kutipan harapan atau pesan penutup ]]" in filled


# --- bylines ------------------------------------------------------------------------------------


async def test_initials_from_the_full_name_or_as_set(db):
    made = await accounts.create_user(None, username="lalang", password="kata-sandi-panjang-1",
                                      full_name="Lalang Pradistia Utama", role=Role.EDITOR)
    assert made.initials == "LPU"
    set_ = await accounts.create_user(None, username="rina", password="kata-sandi-panjang-1",
                                      full_name="Rina Kusuma, S.Kom.", role=Role.EDITOR, initials="rkw")
    assert (await User.get(id=set_.id)).initials == "RKW"
    for bad in ("XX", "A", "ABCDE", "A1"):
        try:
            await accounts.create_user(None, username=f"u{len(bad)}{bad}", password="kata-sandi-panjang-1",
                                       full_name="Nama", role=Role.EDITOR, initials=bad)
        except Exception as exc:  # noqa: BLE001 - the UserInputError's field is what matters
            assert exc.problems[0].field == "initials"  # type: ignore[attr-defined]
        else:
            raise AssertionError(f"initials {bad!r} accepted")


async def test_drafts_sign_with_the_editor_or_the_desk_never_xx(gql):
    editor = await make_user(Role.EDITOR)
    await User.filter(id=editor.user.id).update(initials_override="LPU")
    release = await _draft(gql, editor)
    assert release["body"].rstrip().endswith("(LPU/Kominfo)")
    nameless = await make_user(Role.EDITOR)
    await User.filter(id=nameless.user.id).update(full_name="")  # no initials to take
    other = await _draft(gql, nameless)
    assert other["body"].rstrip().endswith("(IKP/Kominfo)") and "XX" not in other["body"]


# --- formats ------------------------------------------------------------------------------------


async def _publish(gql, editor, title, body):
    release = await _draft(gql, editor)
    await gql(UPDATE, {"id": release["id"], "v": release["version"], "input": {"title": title, "body": body}},
              login=editor)
    answer = (await gql(STATUS, {"id": release["id"], "status": "PUBLISHED"}, login=editor))["data"]
    assert answer["setPressReleaseStatus"]["errors"] == []
    return release["id"]


async def test_text_and_html_carry_the_headline(gql):
    editor = await make_user(Role.EDITOR)
    release_id = await _publish(gql, editor, "Gita Raih Juara 1", "PURBALINGGA, INFO – Isi **lengkap**. (LPU/Kominfo)\n")
    node = (await gql(READ, {"id": release_id}))["data"]["node"]
    assert node["text"].startswith("Gita Raih Juara 1\n\nPURBALINGGA, INFO – Isi lengkap.")
    assert node["html"].startswith("<h1>Gita Raih Juara 1</h1>")
    assert not node["body"].startswith("Gita")  # MARKDOWN stays as stored


async def test_atom_feed_of_published_releases(gql, client):
    editor = await make_user(Role.EDITOR)
    first = await _publish(gql, editor, "Rilis Pertama", "PURBALINGGA, INFO – Satu. (LPU/Kominfo)\n")
    second = await _publish(gql, editor, "Rilis <Kedua> & Lain", "PURBALINGGA, INFO – **Dua**. (LPU/Kominfo)\n")
    await _draft(gql, editor)  # a draft stays out
    resp = await client.get("/press-releases/feed.atom")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(resp.content)
    assert feed.bozo == 0 and feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Rilis <Kedua> & Lain", "Rilis Pertama"]
    newest = feed.entries[0]
    assert newest.id == f"urn:purbalingga-juara:press-release:{(await PressRelease.filter(title__startswith='Rilis <').first()).id}"
    assert "<strong>Dua</strong>" in newest.content[0].value and newest.content[0].type == "text/html"
    assert newest.published_parsed and newest.updated_parsed
    # Stable ids: the same feed again names the same entries.
    again = feedparser.parse((await client.get("/press-releases/feed.atom")).content)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert first != second


async def test_word_file_is_a4_with_letterhead_author_and_highlighted_slots(gql, client):
    editor = await make_user(Role.EDITOR)
    await User.filter(id=editor.user.id).update(full_name="Lalang Pradistia Utama")
    release = await _draft(gql, editor)
    await gql(UPDATE, {"id": release["id"], "v": release["version"], "input": {
        "body": release["body"].replace("PURBALINGGA, INFO", "PURBALINGGA, INFO")}}, login=editor)
    resp = await client.get(f"/press-releases/{release['id']}.docx", headers=editor.headers)
    document = Document(io.BytesIO(resp.content))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    header = "\n".join(p.text for p in section.header.paragraphs)
    assert "PEMERINTAH KABUPATEN PURBALINGGA" in header and "DINAS KOMUNIKASI DAN INFORMATIKA" in header
    assert document.core_properties.author == "Lalang Pradistia Utama"
    slots = [r for p in document.paragraphs for r in p.runs if r.text.startswith("[[")]
    assert slots and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in slots)
    plain = [r for p in document.paragraphs for r in p.runs if "PURBALINGGA, INFO" in r.text]
    assert plain and plain[0].font.highlight_color is None
