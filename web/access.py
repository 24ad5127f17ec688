"""HTTP route of the access export: everything held about one person, as JSON or as a Word letter (ADMIN)."""

from __future__ import annotations

import json
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from service.access import DOCX_CONTENT_TYPE, access_letter_docx, personal_data_report
from service.errors import Forbidden, UserInputError
from web.auth import path_pk, request_actor

log = logging.getLogger("juara.access")


async def person_data_export(request: Request) -> Response:
    """GET /persons/{person_id}/data.json or .docx: administrators only; each export is audited."""
    actor, refusal = await request_actor(request)
    if refusal is not None:
        return refusal
    if actor is None or not actor.can_manage:
        return JSONResponse({"error": "FORBIDDEN", "message": "Hanya administrator yang dapat mengekspor data pribadi."},
                            status_code=403)
    fmt = request.path_params["fmt"]
    if fmt not in {"json", "docx"}:
        return JSONResponse({"error": "NOT_FOUND", "message": "Format harus json atau docx."}, status_code=404)
    pk = path_pk(request.path_params["person_id"], "Person")
    try:
        report = await personal_data_report(actor, pk)
    except Forbidden as exc:
        return JSONResponse({"error": "FORBIDDEN", "message": str(exc)}, status_code=403)
    except UserInputError as exc:
        return JSONResponse({"error": "NOT_FOUND", "message": exc.problems[0].message}, status_code=404)
    log.info("personal data exported", extra={"person_id": pk, "format": fmt, "actor": actor.username})
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
               "Content-Disposition": f'attachment; filename="data-pribadi-{pk}.{fmt}"'}
    if fmt == "json":
        body = json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")
        return Response(body, media_type="application/json; charset=utf-8", headers=headers)
    content = await run_in_threadpool(access_letter_docx, report)
    return Response(content, media_type=DOCX_CONTENT_TYPE, headers=headers)
