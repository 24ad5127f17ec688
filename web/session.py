"""Browser sessions for the console: a login token kept in an HttpOnly, SameSite=Strict cookie, and its CSRF rule.

The cookie authenticates a request only when the request also carries the `X-Juara-CSRF` header, which a
cross-site form cannot send; without the header the request is anonymous. Safe downloads (`GET /evidence/…`,
Word files, exports) take the cookie alone, as a link or an <iframe> cannot add headers.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from service import accounts
from service.config import get_settings
from service.errors import UserInputError

SESSION_COOKIE = "juara_session"
CSRF_HEADER = "x-juara-csrf"
_BAD_REQUEST = "Kirim nama pengguna dan kata sandi sebagai JSON."
_NO_CSRF = "Permintaan ditolak: sertakan header X-Juara-CSRF (perlindungan CSRF)."


def cookie_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    return token if 0 < len(token) <= 200 else None


def has_csrf_header(request: Request) -> bool:
    return bool(request.headers.get(CSRF_HEADER))


def session_token(request: Request) -> str | None:
    """The cookie's token where it may authenticate: any safe GET, or a request with the CSRF header."""
    if request.method not in ("GET", "HEAD") and not has_csrf_header(request):
        return None
    return cookie_token(request)


def _set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=get_settings().token_ttl_hours * 3600, path="/",
        httponly=True, samesite="strict", secure=request.url.scheme == "https",
    )


def _clear_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"user": None, "errors": [{"field": field, "code": code, "message": message}]},
                        status_code=status, headers={"Cache-Control": "no-store"})


async def create_session(request: Request) -> Response:
    """POST /session {username, password}: the same login as the API's, its token put in the cookie."""
    if not has_csrf_header(request):
        return _error(403, "FORBIDDEN", _NO_CSRF)
    try:
        data = json.loads(await request.body())
        username, password = data["username"], data["password"]
        if not isinstance(username, str) or not isinstance(password, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return _error(400, "BAD_REQUEST", _BAD_REQUEST)
    client = request.client.host if request.client else None
    try:
        token, user = await accounts.login(username, password, client)
    except UserInputError as exc:
        first = exc.problems[0]
        status = 429 if first.code.value == "RATE_LIMITED" else 400
        return _error(status, first.code.value, first.message, first.field)
    response = JSONResponse({"user": {"username": user.username, "fullName": user.full_name,
                                      "role": user.role.value}, "errors": []},
                            headers={"Cache-Control": "no-store"})
    _set_cookie(request, response, token)
    return response


async def end_session(request: Request) -> Response:
    """DELETE /session: the token behind the cookie is revoked and the cookie cleared."""
    if not has_csrf_header(request):
        return _error(403, "FORBIDDEN", _NO_CSRF)
    token = cookie_token(request)
    actor = await accounts.authenticate(token) if token else None
    if actor is not None:
        await accounts.logout(actor)
    response = JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
    _clear_cookie(request, response)
    return response
