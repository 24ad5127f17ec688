"""HTTP routes of the press releases: the Word download."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from service.press import visible_releases
from service.press.docx import CONTENT_TYPE, file_name, release_docx
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
    content = await run_in_threadpool(release_docx, release)
    return Response(content, media_type=CONTENT_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{file_name(release)}"',
        "X-Content-Type-Options": "nosniff",
        # Visibility changes with the status: no shared caches.
        "Cache-Control": "private, no-store",
    })
