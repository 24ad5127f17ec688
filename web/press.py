"""HTTP routes of the press releases: the Word download and the Atom feed."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from service.models import PressReleaseRevision, User
from service.press import visible_releases
from service.press.docx import CONTENT_TYPE, file_name, release_docx
from service.press.feed import build_feed, latest_published
from web.auth import path_pk, request_actor


async def docx_download(request: Request) -> Response:
    """GET /press-releases/{id}.docx: the API's access rules (token optional; anonymous sees PUBLISHED only)."""
    actor, refusal = await request_actor(request)
    if refusal is not None:
        return refusal
    pk = path_pk(request.path_params["release_id"], "PressRelease")
    release = await visible_releases(actor).filter(id=pk).first() if pk is not None else None
    if release is None:
        return JSONResponse({"error": "Rilis berita tidak ditemukan."}, status_code=404)
    content = await run_in_threadpool(release_docx, release, await _author(release))
    return Response(content, media_type=CONTENT_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{file_name(release)}"',
        "X-Content-Type-Options": "nosniff",
        # Visibility changes with the status: no shared caches.
        "Cache-Control": "private, no-store",
    })


async def _author(release) -> str | None:
    """The editor as the Word file's author: who saved the latest edit, else who drafted it."""
    latest = await PressReleaseRevision.filter(press_release_id=release.id, editor_id__isnull=False).order_by(
        "-version").first()
    user_id = latest.editor_id if latest else release.created_by_id
    user = await User.filter(id=user_id).first() if user_id else None
    return user.full_name if user else None


async def atom_feed(request: Request) -> Response:
    """GET /press-releases/feed.atom: the 50 latest PUBLISHED releases by publishedAt, for anyone."""
    content = build_feed(await latest_published(), str(request.base_url))
    return Response(content, media_type="application/atom+xml; charset=utf-8", headers={
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=300",
    })
