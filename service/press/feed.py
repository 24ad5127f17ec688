"""The Atom feed of published releases, for the office's website (GET /press-releases/feed.atom)."""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from service.enums import PressReleaseStatus
from service.models import PressRelease
from service.press.formats import to_html

FEED_SIZE = 50
FEED_ID = "urn:purbalingga-juara:press-releases"


def entry_id(release_id: int) -> str:
    """Stable for the life of a release: its number, never its title or link."""
    return f"urn:purbalingga-juara:press-release:{release_id}"


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def latest_published() -> list[PressRelease]:
    return await PressRelease.filter(status=PressReleaseStatus.PUBLISHED, published_at__isnull=False).order_by(
        "-published_at", "-id").limit(FEED_SIZE)


def build_feed(releases: list[PressRelease], base_url: str) -> bytes:
    """Atom 1.0: title, HTML content, published and updated instants, a stable id per entry."""
    base = base_url.rstrip("/")
    fg = FeedGenerator()
    fg.id(FEED_ID)
    fg.title("Rilis Berita Purbalingga Juara – Dinkominfo Purbalingga")
    fg.author({"name": "Dinas Komunikasi dan Informatika Kabupaten Purbalingga"})
    fg.link(href=f"{base}/press-releases/feed.atom", rel="self")
    fg.language("id")
    newest = max((_utc(r.updated_at) for r in releases), default=dt.datetime(2022, 6, 6, tzinfo=dt.UTC))
    fg.updated(newest)
    # feedgen writes entries in reverse order of adding them: add the oldest first, newest ends on top.
    for release in reversed(releases):
        entry = fg.add_entry()
        entry.id(entry_id(release.id))
        entry.title(release.title)
        entry.link(href=f"{base}/press-releases/{release.id}.docx", rel="enclosure",
                   type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        entry.content(to_html(release.body), type="html")
        assert release.published_at is not None
        entry.published(_utc(release.published_at))
        entry.updated(max(_utc(release.updated_at), _utc(release.published_at)))
    return fg.atom_str(pretty=True)
