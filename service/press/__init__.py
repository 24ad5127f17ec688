"""Press releases: drafting from verified achievements, the editing lifecycle, and exports."""

from __future__ import annotations

from typing import Any

from service.models import Achievement, PressRelease
from service.security import Actor


async def draft_on_verification(achievement: Achievement, actor: Actor | None, conn: Any) -> PressRelease:
    """The DRAFT release generated when an achievement is verified (same transaction)."""
    title = achievement.title
    body = (
        f"PURBALINGGA, INFO – {achievement.title} pada {achievement.event_name} "
        f"yang diselenggarakan {achievement.organizer}.\n\n[[ Kutipan pejabat ]]\n\n([[XX]]/Kominfo)"
    )
    return await PressRelease.create(
        achievement_id=achievement.id,
        title=title,
        body=body,
        template="plain",
        created_by_id=actor.user_id if actor else None,
        using_db=conn,
    )


async def flag_releases(achievement_id: int, reason: str, conn: Any) -> int:
    return await PressRelease.filter(achievement_id=achievement_id).using_db(conn).update(needs_review_reason=reason)


def visible_releases(actor: Actor | None):
    """Staff see every release; a contributor also those of its own achievements; the public PUBLISHED ones."""
    from tortoise.expressions import Q, Subquery

    from service.enums import PressReleaseStatus
    from service.models import Achievement, Institution

    qs = PressRelease.all()
    if actor is not None and actor.is_staff:
        return qs
    published = Q(status=PressReleaseStatus.PUBLISHED)
    if actor is not None and actor.institution_path:
        own = Subquery(
            Achievement.filter(
                institution_id__in=Subquery(Institution.filter(path__startswith=actor.institution_path).values("id"))
            ).values("id")
        )
        return qs.filter(published | Q(achievement_id__in=own))
    return qs.filter(published)


def render_body(markdown_body: str, fmt: str) -> str:
    """The body in MARKDOWN (as stored), HTML or TEXT."""
    from service.press.formats import to_html, to_text

    if fmt == "HTML":
        return to_html(markdown_body)
    if fmt == "TEXT":
        return to_text(markdown_body)
    return markdown_body
