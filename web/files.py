"""HTTP routes for files: evidence downloads, the import template, and the CSRF guard on multipart GraphQL."""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from service import evidence, imports
from web.auth import path_pk, request_actor

log = logging.getLogger("juara.files")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cross-site HTML form can send none of these headers; any of them proves a script of an allowed origin.
CSRF_HEADERS = ("x-requested-with", "apollo-require-preflight", "x-juara-csrf", "graphql-preflight")


class MultipartGuard:
    """Wraps the GraphQL endpoint: multipart requests need a CSRF header and a Content-Length within limits."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST":
            headers = Headers(scope=scope)
            content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if content_type == "multipart/form-data":
                problem = self._check(headers)
                if problem is not None:
                    status, message = problem
                    log.warning("multipart request refused", extra={"status": status})
                    await JSONResponse({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]},
                                       status_code=status)(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _check(self, headers: Headers) -> tuple[int, str] | None:
        if not any(headers.get(name) for name in CSRF_HEADERS):
            return 403, (
                "Permintaan unggah berkas ditolak: sertakan header X-Requested-With atau "
                "Apollo-Require-Preflight (perlindungan CSRF)."
            )
        length = headers.get("content-length")
        if length is None or not length.isdigit():
            return 411, "Permintaan unggah berkas harus menyertakan Content-Length."
        if int(length) > self.max_bytes:
            return 413, "Permintaan terlalu besar untuk diunggah."
        return None


async def evidence_download(request: Request) -> Response:
    """GET /evidence/{id}: the file, for whoever may see its achievement (a bearer token is optional)."""
    actor, refusal = await request_actor(request)
    if refusal is not None:
        return refusal
    pk = path_pk(request.path_params["evidence_id"], "Evidence")
    found = await evidence.open_evidence(actor, pk) if pk is not None else None
    if found is None:
        return JSONResponse({"error": "Bukti tidak ditemukan."}, status_code=404)
    row, path = found
    disposition = evidence.content_disposition(row.file_name or "bukti")
    csp = "default-src 'none'; sandbox"
    if request.query_params.get("inline") == "1" and row.content_type == "application/pdf":
        # The verifier reads the PDF beside the entry: shown in the console's frame. Chromium's PDF viewer
        # does not run in a sandboxed document, so only this case drops the sandbox; frames from elsewhere
        # are still refused.
        disposition = "inline" + disposition[len("attachment"):]
        csp = "default-src 'none'; frame-ancestors 'self'"
    return FileResponse(
        path,
        media_type=row.content_type or "application/octet-stream",
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": csp,
            # Visibility can change (a verification withdrawn): no shared caches.
            "Cache-Control": "private, no-store",
        },
    )


async def import_template(request: Request) -> Response:
    """GET /templates/import-prestasi.xlsx: the workbook operators fill in."""
    body = await imports.build_template()
    return Response(body, media_type=XLSX_TYPE, headers={
        "Content-Disposition": 'attachment; filename="import-prestasi.xlsx"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-cache",
    })


async def import_template_csv(request: Request) -> Response:
    """GET /templates/import-prestasi.csv: the same columns as CSV (header row only)."""
    return Response(imports.template_csv_header(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="import-prestasi.csv"',
        "X-Content-Type-Options": "nosniff",
    })
