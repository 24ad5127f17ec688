"""Press releases: drafting from verified achievements, the editing lifecycle, and exports."""

from __future__ import annotations

from service.models import PressRelease
from service.press.lifecycle import (
    ReleaseEdit,
    RoundupFilter,
    archive_published_releases,
    draft_many_on_verification,
    draft_on_verification,
    flag_releases,
    generate_press_release,
    generate_roundup,
    revisions_of,
    set_press_release_status,
    update_press_release,
)
from service.security import Actor

__all__ = [
    "ReleaseEdit", "RoundupFilter", "archive_published_releases", "draft_many_on_verification", "draft_on_verification", "flag_releases", "generate_press_release",
    "generate_roundup", "render_body", "revisions_of", "set_press_release_status", "update_press_release",
    "visible_releases",
]


def visible_releases(actor: Actor | None):
    """Staff see every release; a contributor also those of its own achievements; the public PUBLISHED ones."""
    from tortoise.expressions import Q, Subquery

    from service.enums import PressReleaseStatus
    from service.models import Achievement, Institution

    qs = PressRelease.all()
    if actor is not None and actor.can_see_everything:
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


def render_body(markdown_body: str, fmt: str, title: str | None = None) -> str:
    """The body in MARKDOWN (as stored), or HTML or TEXT with the headline first (ready to paste whole)."""
    from service.press.formats import to_html, to_text

    if fmt == "HTML":
        return to_html(markdown_body, title)
    if fmt == "TEXT":
        return to_text(markdown_body, title)
    return markdown_body
