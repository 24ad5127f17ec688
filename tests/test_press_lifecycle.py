"""The life of a press release in service/: drafts on verification, edits with locking and revisions,
status moves and the publish rule, flags after corrections, roundups, formats and the Word export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from service import accounts, achievements, press
from service.enums import (
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    InstitutionKind,
    PressReleaseStatus,
    Role,
)
from service.errors import Forbidden, UserErrorCode, UserInputError
from service.models import AuditEvent, Kecamatan, PressRelease, PressReleaseRevision
from service.press.docx import build_docx
from service.press.formats import to_html, to_text
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user


async def make_event(institution, event_name: str, **kw):
    from service.models import Achievement

    achievement = await make_achievement(institution, **kw)
    await Achievement.filter(id=achievement.id).update(event_name=event_name)
    return achievement


async def _actor(role: Role, institution=None):
    login = await make_user(role, institution)
    return await accounts.authenticate(login.token), login


async def _code(coro) -> UserErrorCode:
    with pytest.raises(UserInputError) as exc:
        await coro
    return exc.value.problems[0].code


async def test_verification_drafts_a_release_in_the_house_style(db):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    person = await make_person(school, "Rina Kusuma", consent=False, nik="3303010101010001",
                               birth_date=dt.date(2011, 5, 2), phone="081234567890")
    achievement = await make_achievement(school, status=AchievementStatus.SUBMITTED, persons=[person])
    verifier, _ = await _actor(Role.VERIFIER)
    await achievements.verify_achievement(verifier, achievement.id)
    release = await PressRelease.get(achievement_id=achievement.id)
    assert release.status == PressReleaseStatus.DRAFT and release.version == 1
    assert release.template.startswith("perorangan/")
    assert release.body.startswith("PURBALINGGA, INFO – ")
    assert "Senin (12/10/2026)" in release.body
    # A verifier's draft signs with the desk's initials (JUARA_PRESS_INITIALS), never "XX".
    assert release.body.rstrip().endswith("(IKP/Kominfo)") and "XX/" not in release.body
    text = release.title + release.body
    for secret in ("Rina", "Kusuma", "3303010101010001", "081234567890", "2011"):
        assert secret not in text
    # Described by school and role instead (the wording depends on the variant the id picks).
    assert "SMP Negeri 1 Bobotsari" in release.body and "siswa" in release.body
    assert await AuditEvent.filter(action="press_release.generate", target_id=str(release.id)).exists()


async def test_generate_another_draft_from_a_named_template(db):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    persons = [await make_person(school, "Aditya Pratama"), await make_person(school, "Nadia Putri")]
    achievement = await make_achievement(school, persons=persons)
    editor, login = await _actor(Role.EDITOR)
    release = await press.generate_press_release(editor, achievement.id, "tim/2")
    assert release.template == "tim/2"
    assert "Aditya Pratama dan Nadia Putri" in release.body
    assert release.body.rstrip().endswith("(PE/Kominfo)")  # "Pengguna Editor"
    again = await press.generate_press_release(editor, achievement.id, None)
    assert again.id != release.id and again.template.startswith("tim/")
    assert await _code(press.generate_press_release(editor, achievement.id, "tidak-ada")) == UserErrorCode.INVALID
    assert await _code(press.generate_press_release(editor, achievement.id, "perorangan")) == UserErrorCode.INVALID


async def test_generate_refuses_unverified_missing_and_wrong_roles(db):
    school = await make_institution()
    draft = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    editor, _ = await _actor(Role.EDITOR)
    assert await _code(press.generate_press_release(editor, draft.id)) == UserErrorCode.INVALID
    assert await _code(press.generate_press_release(editor, 999999)) == UserErrorCode.NOT_FOUND
    verifier, _ = await _actor(Role.VERIFIER)
    with pytest.raises(Forbidden):
        await press.generate_press_release(verifier, draft.id)
    assert await PressRelease.all().count() == 0


async def _release(editor):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    achievement = await make_achievement(school)
    return await press.generate_press_release(editor, achievement.id)


async def test_edit_with_current_version_saves_and_keeps_a_revision(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    original_title, original_body = release.title, release.body
    edited = await press.update_press_release(
        editor, release.id, 1, press.ReleaseEdit(title="  Judul Baru  ", body="PURBALINGGA, INFO – Isi baru.")
    )
    assert (edited.version, edited.title, edited.body) == (2, "Judul Baru", "PURBALINGGA, INFO – Isi baru.\n")
    again = await press.update_press_release(editor, release.id, 2, press.ReleaseEdit(body="Isi ketiga."))
    assert again.version == 3 and again.title == "Judul Baru"
    revisions = await PressReleaseRevision.filter(press_release_id=release.id).order_by("version")
    assert [(r.version, r.title) for r in revisions] == [(1, original_title), (2, "Judul Baru")]
    assert revisions[0].body == original_body and revisions[0].editor_id == editor.user_id
    assert revisions[0].created_at is not None
    assert await AuditEvent.filter(action="press_release.update", target_id=str(release.id)).count() == 2


async def test_stale_version_is_a_conflict_and_changes_nothing(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    await press.update_press_release(editor, release.id, 1, press.ReleaseEdit(body="Suntingan pertama."))
    code = await _code(press.update_press_release(editor, release.id, 1, press.ReleaseEdit(body="Suntingan basi.")))
    assert code == UserErrorCode.VERSION_CONFLICT
    current = await PressRelease.get(id=release.id)
    assert (current.version, current.body) == (2, "Suntingan pertama.\n")
    assert await PressReleaseRevision.filter(press_release_id=release.id).count() == 1
    assert await _code(press.update_press_release(editor, release.id, 7, press.ReleaseEdit(body="x"))) == \
        UserErrorCode.VERSION_CONFLICT
    assert await _code(press.update_press_release(editor, 424242, 1, press.ReleaseEdit(body="x"))) == \
        UserErrorCode.NOT_FOUND


async def test_edit_validation(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    assert await _code(press.update_press_release(editor, release.id, 1, press.ReleaseEdit(title="   "))) == \
        UserErrorCode.REQUIRED
    assert await _code(press.update_press_release(editor, release.id, 1, press.ReleaseEdit())) == UserErrorCode.REQUIRED
    assert await _code(press.update_press_release(
        editor, release.id, 1, press.ReleaseEdit(body="x" * 60_000))) == UserErrorCode.TOO_LARGE
    assert (await PressRelease.get(id=release.id)).version == 1


async def test_status_moves_and_the_publish_rule(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    S = PressReleaseStatus
    assert await _code(press.set_press_release_status(editor, release.id, S.ARCHIVED)) == \
        UserErrorCode.INVALID_TRANSITION
    assert (await press.set_press_release_status(editor, release.id, S.IN_REVIEW)).status == S.IN_REVIEW
    # The generated draft still holds [[ … ]] slots: publishing is refused and nothing changes.
    assert await _code(press.set_press_release_status(editor, release.id, S.PUBLISHED)) == UserErrorCode.INVALID
    assert (await PressRelease.get(id=release.id)).status == S.IN_REVIEW
    await press.update_press_release(editor, release.id, 1, press.ReleaseEdit(title="Judul [[ isi ]]", body="Lengkap."))
    assert await _code(press.set_press_release_status(editor, release.id, S.PUBLISHED)) == UserErrorCode.INVALID
    await press.update_press_release(editor, release.id, 2, press.ReleaseEdit(title="Judul Lengkap"))
    # No byline, or the placeholder "(XX/Kominfo)", is refused too.
    assert await _code(press.set_press_release_status(editor, release.id, S.PUBLISHED)) == UserErrorCode.INVALID
    await press.update_press_release(editor, release.id, 3, press.ReleaseEdit(body="Lengkap. (XX/Kominfo)"))
    assert await _code(press.set_press_release_status(editor, release.id, S.PUBLISHED)) == UserErrorCode.INVALID
    await press.update_press_release(editor, release.id, 4, press.ReleaseEdit(body="Lengkap. (LPU/Kominfo)"))
    published = await press.set_press_release_status(editor, release.id, S.PUBLISHED)
    assert published.status == S.PUBLISHED and published.published_at is not None
    assert await _code(press.update_press_release(editor, release.id, 5, press.ReleaseEdit(body="x"))) == \
        UserErrorCode.INVALID_TRANSITION
    for bad in (S.DRAFT, S.IN_REVIEW, S.PUBLISHED):
        assert await _code(press.set_press_release_status(editor, release.id, bad)) == UserErrorCode.INVALID_TRANSITION
    assert (await press.set_press_release_status(editor, release.id, S.ARCHIVED)).status == S.ARCHIVED
    back = await press.set_press_release_status(editor, release.id, S.DRAFT)
    assert back.status == S.DRAFT and back.published_at is None
    assert await AuditEvent.filter(action="press_release.status").count() == 4


async def test_withdrawn_verification_flags_releases_and_blocks_publishing(db):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    achievement = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    verifier, _ = await _actor(Role.VERIFIER)
    editor, _ = await _actor(Role.EDITOR)
    await achievements.verify_achievement(verifier, achievement.id)
    release = await PressRelease.get(achievement_id=achievement.id)
    await press.update_press_release(editor, release.id, 1, press.ReleaseEdit(title="Judul", body="Isi lengkap. (LPU/Kominfo)"))
    await achievements.withdraw_verification(verifier, achievement.id, "Piagam tidak sesuai.")
    flagged = await PressRelease.get(id=release.id)
    assert flagged.needs_review_reason and "dicabut" in flagged.needs_review_reason
    assert await _code(press.set_press_release_status(editor, release.id, PressReleaseStatus.PUBLISHED)) == \
        UserErrorCode.INVALID
    assert await _code(press.update_press_release(
        editor, release.id, 2, press.ReleaseEdit(acknowledge_review=True))) == UserErrorCode.INVALID


async def test_correction_flag_is_cleared_by_acknowledging_review(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    await press.flag_releases(release.achievement_id, "Data prestasi telah dikoreksi.", None)
    await press.update_press_release(editor, release.id, 1, press.ReleaseEdit(title="Judul", body="Isi lengkap. (LPU/Kominfo)"))
    assert await _code(press.set_press_release_status(editor, release.id, PressReleaseStatus.PUBLISHED)) == \
        UserErrorCode.INVALID
    cleared = await press.update_press_release(editor, release.id, 2, press.ReleaseEdit(acknowledge_review=True))
    assert cleared.needs_review_reason is None
    assert (await press.set_press_release_status(editor, release.id, PressReleaseStatus.PUBLISHED)).published_at


async def test_roundup_covers_the_window_and_scope_only(db):
    bobotsari = await Kecamatan.get(code="33.03.09")
    school = await make_institution("SMP Negeri 1 Bobotsari")
    other = await make_institution("SD Negeri 1 Kemangkon", kecamatan_code="33.03.01")
    hidden = await make_person(school, "Rahasia Sekali", consent=False)
    named = await make_person(school, "Rina Kusuma")
    await make_achievement(school, date=dt.date(2026, 10, 3), persons=[hidden], title="A")
    await make_event(school, "Olimpiade Sains Nasional", date=dt.date(2026, 10, 20), persons=[named],
                     level=AchievementLevel.NASIONAL, category=await leaf_category("olimpiade-sains"))
    await make_event(school, "Lomba November", date=dt.date(2026, 11, 2))
    await make_event(school, "Belum Diverifikasi", date=dt.date(2026, 10, 5), status=AchievementStatus.SUBMITTED)
    await make_event(other, "Lomba Kemangkon", date=dt.date(2026, 10, 9))
    editor, _ = await _actor(Role.EDITOR)
    flt = press.RoundupFilter(dt.date(2026, 10, 1), dt.date(2026, 10, 31), kecamatan_id=bobotsari.id)
    release = await press.generate_roundup(editor, flt)
    assert release.achievement_id is None and release.template.startswith("rekap/")
    assert release.status == PressReleaseStatus.DRAFT
    assert "Kecamatan Bobotsari" in release.title + release.body and "Oktober 2026" in release.title
    assert "Rina Kusuma, siswa SMP Negeri 1 Bobotsari, " in release.body
    assert "Rahasia" not in release.body and "Seorang siswa SMP Negeri 1 Bobotsari " in release.body
    assert ") (" not in release.body  # no bracket pile-ups
    for absent in ("Lomba November", "Belum Diverifikasi", "Lomba Kemangkon"):
        assert absent not in release.body
    assert release.body.index("Olimpiade Sains Nasional, 20 Oktober 2026.") < release.body.index(", 3 Oktober 2026.")
    assert release.roundup_filter["kecamatanId"] == bobotsari.id and len(release.roundup_filter["achievementIds"]) == 2
    assert await AuditEvent.filter(action="press_release.generate_roundup").exists()
    # the whole regency, one category (with its children)
    whole = await press.generate_roundup(editor, press.RoundupFilter(
        dt.date(2026, 10, 1), dt.date(2026, 10, 31), category_id=(await leaf_category("olimpiade-sains")).parent_id))
    assert "Olimpiade Sains Nasional" in whole.body and "Lomba Kemangkon" not in whole.body


async def test_roundup_validation(db):
    editor, _ = await _actor(Role.EDITOR)
    empty = press.RoundupFilter(dt.date(2020, 1, 1), dt.date(2020, 1, 31))
    assert await _code(press.generate_roundup(editor, empty)) == UserErrorCode.NOT_FOUND
    assert await _code(press.generate_roundup(editor, press.RoundupFilter(dt.date(2026, 2, 1), dt.date(2026, 1, 1)))) \
        == UserErrorCode.INVALID
    assert await _code(press.generate_roundup(editor, press.RoundupFilter(dt.date(2024, 1, 1), dt.date(2026, 1, 1)))) \
        == UserErrorCode.INVALID
    assert await _code(press.generate_roundup(editor, press.RoundupFilter(None, None))) == UserErrorCode.REQUIRED
    assert await _code(press.generate_roundup(
        editor, press.RoundupFilter(dt.date(2026, 1, 1), dt.date(2026, 1, 2), kecamatan_id=999999))) == \
        UserErrorCode.NOT_FOUND
    assert await PressRelease.all().count() == 0


async def test_html_is_sanitized_and_text_is_plain(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    hostile = (
        "PURBALINGGA, INFO – **Tebal** dan <script>alert('x')</script> serta "
        "[tautan](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n\n- satu\n- dua\n"
    )
    edited = await press.update_press_release(editor, release.id, 1, press.ReleaseEdit(body=hostile))
    html = press.render_body(edited.body, "HTML")
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and 'href="javascript' not in lowered
    assert "&lt;script&gt;" in lowered  # shown as text, never run
    assert "<strong>Tebal</strong>" in html and "<li>satu</li>" in html
    text = press.render_body(edited.body, "TEXT")
    assert "**" not in text and "Tebal" in text
    assert "<b" not in to_html("<b onclick='x()'>a</b>")
    assert to_text("# Judul\n\n*miring*") == "Judul\n\nmiring\n"


async def test_docx_opens_and_holds_title_and_body(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    document = Document(io.BytesIO(build_docx(release.title, release.body)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == release.title
    assert texts[1].startswith("PURBALINGGA, INFO – ")
    assert any("/Kominfo)" in t for t in texts)
    listed = Document(io.BytesIO(build_docx("Judul", "Awal **tebal**.\n\n- satu\n- dua\n")))
    assert [p.style.name for p in listed.paragraphs][-2:] == ["List Bullet", "List Bullet"]
    assert any(run.bold for run in listed.paragraphs[1].runs)


@pytest.mark.parametrize("kind", [InstitutionKind.PEMERINTAH_DESA, InstitutionKind.PERANGKAT_DAERAH])
async def test_award_release_uses_the_rank_label(db, kind):
    inst = await make_institution("Pemerintah Desa Kedungbenda", kind=kind)
    achievement = await make_achievement(inst, rank=AchievementRank.PENGHARGAAN, rank_label="Predikat Madya",
                                         category=await leaf_category("kabupaten-layak-anak"))
    editor, _ = await _actor(Role.ADMIN)
    release = await press.generate_press_release(editor, achievement.id)
    assert release.template.startswith("penghargaan/") and "Predikat Madya" in release.title + release.body


async def test_drafts_in_bulk_match_single_drafts(db):
    from tortoise.transactions import in_transaction

    from service.press.lifecycle import draft_many_on_verification, draft_on_verification

    school = await make_institution("SMP Negeri 1 Bobotsari")
    rows = [await make_achievement(school, date=dt.date(2026, 10, d)) for d in (1, 2, 3)]
    async with in_transaction() as conn:
        bulk = await draft_many_on_verification(rows, None, conn)
        single = await draft_on_verification(rows[0], None, conn)
    assert len(bulk) == 3 and await PressRelease.filter(achievement_id=rows[0].id).count() == 2
    first = await PressRelease.filter(achievement_id=rows[0].id).order_by("id").first()
    assert (first.title, first.body, first.template) == (single.title, single.body, single.template)
    assert await AuditEvent.filter(action="press_release.generate_many").count() == 1


async def test_a_racing_edit_that_filed_the_revision_first_wins(db):
    editor, _ = await _actor(Role.EDITOR)
    release = await _release(editor)
    # What a concurrent edit of version 1 leaves behind before it commits its UPDATE.
    await PressReleaseRevision.create(press_release_id=release.id, version=1, title="x", body="x")
    code = await _code(press.update_press_release(editor, release.id, 1, press.ReleaseEdit(body="Kalah balapan.")))
    assert code == UserErrorCode.VERSION_CONFLICT
    current = await PressRelease.get(id=release.id)
    assert (current.version, current.body) == (1, release.body)


async def test_withdrawn_verification_archives_the_published_release(db):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    achievement = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    verifier, _ = await _actor(Role.VERIFIER)
    editor, _ = await _actor(Role.EDITOR)
    await achievements.verify_achievement(verifier, achievement.id)
    release = await PressRelease.get(achievement_id=achievement.id)
    await press.update_press_release(editor, release.id, 1, press.ReleaseEdit(title="Judul", body="Isi lengkap. (LPU/Kominfo)"))
    await press.set_press_release_status(editor, release.id, PressReleaseStatus.PUBLISHED)
    assert await press.visible_releases(None).filter(id=release.id).exists()

    await achievements.withdraw_verification(verifier, achievement.id, "Piagam tidak sesuai.")
    archived = await PressRelease.get(id=release.id)
    assert archived.status == PressReleaseStatus.ARCHIVED
    assert archived.needs_review_reason and "dicabut" in archived.needs_review_reason
    assert not await press.visible_releases(None).filter(id=release.id).exists()
    assert await AuditEvent.filter(action="press_release.archive_on_withdrawal", target_id=str(release.id)).exists()


async def test_each_step_runs_its_follow_ups_in_its_own_transaction(db, monkeypatch):
    """Verifying drafts the release, moves the aggregates and writes the audit event together: a failing
    follow-up leaves the achievement SUBMITTED, the stats and the audit log as they were."""
    from service import followups
    from service.db import execute
    from service.models import Achievement

    school = await make_institution("SMP Negeri 1 Bobotsari")
    achievement = await make_achievement(school, status=AchievementStatus.SUBMITTED)
    verifier, _ = await _actor(Role.VERIFIER)
    cells = "SELECT status, count FROM achievement_stat_yearly ORDER BY status"
    before = (await execute(cells))[1]
    calls = []

    async def failing_draft(updated, actor, conn):
        calls.append(updated.id)
        raise RuntimeError("the press draft failed")

    monkeypatch.setattr(followups.press, "draft_on_verification", failing_draft)
    with pytest.raises(RuntimeError):
        await achievements.verify_achievement(verifier, achievement.id)
    assert calls == [achievement.id]
    assert (await Achievement.get(id=achievement.id)).status == AchievementStatus.SUBMITTED
    assert (await execute(cells))[1] == before
    assert not await AuditEvent.filter(action="achievement.verify").exists()
    monkeypatch.undo()

    # Rejecting is a decision only: no draft, no refresh of the duplicate hints, the aggregates move.
    refreshed = []
    real_refresh = followups.duplicates.refresh

    async def spy_refresh(conn, ids):
        refreshed.append(list(ids))
        return await real_refresh(conn, ids)

    monkeypatch.setattr(followups.duplicates, "refresh", spy_refresh)
    await achievements.reject_achievement(verifier, achievement.id, "Bukti kurang jelas.")
    assert refreshed == [] and not await PressRelease.filter(achievement_id=achievement.id).exists()
    assert (await execute(cells))[1] != before
