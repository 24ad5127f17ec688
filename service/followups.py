"""What follows each step of the achievement workflow, named per step and run in the step's transaction.

Each step of service/achievements.py (and evidence changes) calls its own follow-up here: the dashboard
aggregates move with the row, the duplicate hints are refreshed when content changed, a verification drafts
the press release, a correction or a withdrawn verification flags the releases already made. None of these
modules imports the workflow back.
"""

from __future__ import annotations

from typing import Any

from service import duplicates, press, stats
from service.enums import AchievementStatus
from service.models import Achievement
from service.security import Actor

CORRECTED = "Data prestasi telah dikoreksi setelah rilis ini dibuat; periksa ulang."
WITHDRAWN = "Verifikasi prestasi ini telah dicabut; jangan terbitkan rilis ini."


async def achievement_created(achievement: Achievement, conn: Any) -> None:
    await stats.achievement_changed(achievement, None, conn)
    await duplicates.refresh(conn, [achievement.id])


async def achievement_edited(updated: Achievement, before: Achievement, conn: Any) -> None:
    """Its content changed (fields, persons, evidence), its status did not."""
    await stats.achievement_changed(updated, before, conn)
    await duplicates.refresh(conn, [updated.id])
    if AchievementStatus(before.status) == AchievementStatus.VERIFIED:
        # Only an administrator edits a verified achievement: its releases are checked again.
        await press.flag_releases(updated.id, CORRECTED, conn)


async def achievement_submitted(updated: Achievement, before: Achievement, conn: Any) -> None:
    await stats.achievement_changed(updated, before, conn)
    # The verifier sees hints as fresh as the entry it decides on.
    await duplicates.refresh(conn, [updated.id])


async def achievement_verified(updated: Achievement, before: Achievement, actor: Actor, conn: Any) -> None:
    # A decision changes no content: the hints stay as they are.
    await stats.achievement_changed(updated, before, conn)
    await press.draft_on_verification(updated, actor, conn)


async def achievement_rejected(updated: Achievement, before: Achievement, conn: Any) -> None:
    await stats.achievement_changed(updated, before, conn)


async def verification_withdrawn(updated: Achievement, before: Achievement, actor: Actor, conn: Any) -> None:
    await stats.achievement_changed(updated, before, conn)
    # A published release of an achievement no longer verified is taken down, and every release flagged.
    await press.archive_published_releases(updated.id, WITHDRAWN, conn, actor)
    await press.flag_releases(updated.id, WITHDRAWN, conn)
