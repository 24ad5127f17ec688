"""Retention: stale DRAFT and REJECTED entries and the evidence files of rejected ones are removed, dry run first."""

from __future__ import annotations

import datetime as dt

from service.config import get_settings
from service.enums import AchievementStatus, EvidenceKind, PressReleaseStatus
from service.models import Achievement, AchievementPerson, AuditEvent, Evidence, PressRelease
from service.retention import apply_retention
from tests.factories import make_achievement, make_institution, make_person

NOW = dt.datetime.now(dt.UTC)


async def _aged(achievement: Achievement, days: int) -> Achievement:
    await Achievement.filter(id=achievement.id).update(updated_at=NOW - dt.timedelta(days=days))
    return achievement


async def _file(achievement: Achievement, name: str):
    key = f"ab/{name * 16}.pdf"
    path = get_settings().evidence_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 piagam")
    await Evidence.create(achievement_id=achievement.id, kind=EvidenceKind.FILE, file_name="piagam.pdf",
                          content_type="application/pdf", size=15, storage_key=key)
    return path


async def test_retention_dry_run_then_apply(db):
    school = await make_institution()
    person = await make_person(school)
    old_draft = await _aged(await make_achievement(school, status=AchievementStatus.DRAFT, persons=[person]), 400)
    old_rejected = await _aged(await make_achievement(school, status=AchievementStatus.REJECTED, evidence_url=None), 400)
    old_rejected_file = await _file(old_rejected, "aa")
    young_rejected = await _aged(await make_achievement(school, status=AchievementStatus.REJECTED, evidence_url=None), 120)
    young_rejected_file = await _file(young_rejected, "bb")
    fresh_rejected = await _aged(await make_achievement(school, status=AchievementStatus.REJECTED, evidence_url=None), 10)
    fresh_file = await _file(fresh_rejected, "cc")
    recent_draft = await _aged(await make_achievement(school, status=AchievementStatus.DRAFT), 30)
    old_verified = await _aged(await make_achievement(school, status=AchievementStatus.VERIFIED), 900)
    cited = await _aged(await make_achievement(school, status=AchievementStatus.REJECTED, evidence_url=None), 400)
    await PressRelease.create(achievement_id=cited.id, title="Rilis", body="Isi", template="perorangan/1",
                              status=PressReleaseStatus.PUBLISHED)

    dry = await apply_retention(dry_run=True, now=NOW)
    assert dry.achievement_ids == sorted([old_draft.id, old_rejected.id])
    assert dry.kept_for_published == [cited.id]
    young_evidence = await Evidence.get(achievement_id=young_rejected.id)
    old_evidence = await Evidence.get(achievement_id=old_rejected.id)
    assert dry.evidence_file_ids == sorted([old_evidence.id, young_evidence.id])
    assert await Achievement.all().count() == 7 and old_rejected_file.exists()
    assert not await AuditEvent.filter(action="retention.apply").exists()

    done = await apply_retention(dry_run=False, now=NOW)
    assert done.achievement_ids == dry.achievement_ids
    remaining = set(await Achievement.all().values_list("id", flat=True))
    assert remaining == {young_rejected.id, fresh_rejected.id, recent_draft.id, old_verified.id, cited.id}
    assert not await AchievementPerson.filter(achievement_id=old_draft.id).exists()
    assert not old_rejected_file.exists() and not young_rejected_file.exists() and fresh_file.exists()
    kept_row = await Evidence.get(achievement_id=young_rejected.id)
    assert kept_row.storage_key is None and kept_row.file_name == "piagam.pdf"
    event = await AuditEvent.get(action="retention.apply")
    assert event.after["achievementsDeleted"] == 2 and event.after["evidenceFilesDeleted"] == 2
    # A second run finds nothing more.
    again = await apply_retention(dry_run=True, now=NOW)
    assert again.achievement_ids == [] and again.evidence_file_ids == []


async def test_retention_periods_come_from_the_settings_or_the_call(db):
    school = await make_institution()
    draft = await _aged(await make_achievement(school, status=AchievementStatus.DRAFT), 40)
    assert (await apply_retention(dry_run=True, now=NOW)).achievement_ids == []
    assert (await apply_retention(days=30, dry_run=True, now=NOW)).achievement_ids == [draft.id]
