"""What follows a change of an achievement, inside the same transaction: press drafts, aggregates, flags."""

from __future__ import annotations

from typing import Any

from service.enums import AchievementStatus
from service.models import Achievement
from service.security import Actor


async def achievement_changed(
    new: Achievement, old: Achievement | None, conn: Any, actor: Actor | None = None
) -> None:
    from service import stats

    # Dashboard aggregates move with the row, in the same transaction.
    await stats.achievement_changed(new, old, conn)
    from service import duplicates, press

    if not duplicates.is_status_change_only(new, old):
        # Created, edited or submitted: the verifier sees fresh duplicate hints.
        await duplicates.refresh(conn, [new.id])
    old_status = AchievementStatus(old.status) if old is not None else None
    new_status = AchievementStatus(new.status)
    if new_status == AchievementStatus.VERIFIED and old_status != AchievementStatus.VERIFIED:
        await press.draft_on_verification(new, actor, conn)
    elif old_status == AchievementStatus.VERIFIED:
        if new_status != AchievementStatus.VERIFIED:
            reason = "Verifikasi prestasi ini telah dicabut; jangan terbitkan rilis ini."
            await press.archive_published_releases(new.id, reason, conn, actor)
            await press.flag_releases(new.id, reason, conn)
        else:
            await press.flag_releases(new.id, "Data prestasi telah dikoreksi setelah rilis ini dibuat; periksa ulang.", conn)
