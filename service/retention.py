"""Retention (docs/privacy.md): entries nobody carried forward are not kept for ever.

- A DRAFT or REJECTED achievement untouched (`updated_at`) for `JUARA_RETENTION_DAYS` (default 365) is
  deleted with its persons' links, its evidence (rows and files) and its unpublished releases. One that a
  PUBLISHED release speaks of is kept: the public record needs its source.
- The evidence files of a REJECTED achievement untouched for `JUARA_RETENTION_EVIDENCE_DAYS` (default 90)
  are deleted from storage; the evidence row stays (name, size, checksum) without its file.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import cast

from tortoise.transactions import in_transaction

from service import audit
from service.enums import AchievementStatus, EvidenceKind, PressReleaseStatus
from service.models import Achievement, Evidence, PressRelease

log = logging.getLogger("juara.retention")

BATCH = 200


@dataclass
class RetentionReport:
    dry_run: bool
    achievements_cutoff: dt.datetime
    evidence_cutoff: dt.datetime
    achievement_ids: list[int] = field(default_factory=list)
    kept_for_published: list[int] = field(default_factory=list)
    evidence_file_ids: list[int] = field(default_factory=list)


async def apply_retention(*, days: int | None = None, evidence_days: int | None = None, dry_run: bool = True,
                          now: dt.datetime | None = None) -> RetentionReport:
    """What the rule removes (dry_run) or removes it; one transaction, one audit event."""
    from service.config import get_settings
    from service.evidence import storage_path
    from service.stats import aggregates

    settings = get_settings()
    now = now or dt.datetime.now(dt.UTC)
    days = settings.retention_days if days is None else days
    evidence_days = settings.retention_evidence_days if evidence_days is None else evidence_days
    if days < 1 or evidence_days < 1:
        raise ValueError("retention periods are at least one day")
    report = RetentionReport(dry_run, now - dt.timedelta(days=days), now - dt.timedelta(days=evidence_days))
    # values_list(flat=True) is typed as tuples; with one column it yields the plain ids.
    stale = cast(list[int], await Achievement.filter(
        status__in=[AchievementStatus.DRAFT, AchievementStatus.REJECTED], updated_at__lt=report.achievements_cutoff
    ).order_by("id").values_list("id", flat=True))
    published = set(cast(list[int], await PressRelease.filter(
        achievement_id__in=list(stale), status__in=[PressReleaseStatus.PUBLISHED]
    ).values_list("achievement_id", flat=True))) if stale else set()
    report.achievement_ids = [i for i in stale if i not in published]
    report.kept_for_published = sorted(published)
    doomed = set(report.achievement_ids)
    files = await Evidence.filter(
        kind=EvidenceKind.FILE, storage_key__isnull=False,
        achievement__status=AchievementStatus.REJECTED, achievement__updated_at__lt=report.evidence_cutoff,
    ).values_list("id", "achievement_id", "storage_key")
    report.evidence_file_ids = sorted(eid for eid, aid, _ in files)
    # Files of achievements deleted whole go too, whatever their age.
    if doomed:
        files += [row for row in await Evidence.filter(
            kind=EvidenceKind.FILE, storage_key__isnull=False, achievement_id__in=list(doomed)
        ).values_list("id", "achievement_id", "storage_key") if row[0] not in report.evidence_file_ids]
    if dry_run:
        return report
    keys = [key for _, _, key in files if key]
    async with in_transaction() as conn:
        if report.evidence_file_ids:
            await Evidence.filter(id__in=report.evidence_file_ids).using_db(conn).update(storage_key=None)
        ids = report.achievement_ids
        for start in range(0, len(ids), BATCH):
            part = ids[start:start + BATCH]
            for row in await Achievement.filter(id__in=part).using_db(conn):
                await aggregates.achievement_changed(None, row, conn)
            await PressRelease.filter(achievement_id__in=part).using_db(conn).delete()
            await Achievement.filter(id__in=part).using_db(conn).delete()
        await audit.record(None, "retention.apply", "Achievement", None, after={
            "achievementsDeleted": len(ids), "evidenceFilesDeleted": len(keys),
            "keptForPublished": len(report.kept_for_published),
            "achievementsCutoff": report.achievements_cutoff, "evidenceCutoff": report.evidence_cutoff,
        }, connection=conn)
    for key in keys:
        path = storage_path(key)
        if path is not None:
            path.unlink(missing_ok=True)
    log.info("retention applied", extra={"achievements": len(report.achievement_ids), "files": len(keys)})
    return report
