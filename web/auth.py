"""Bearer tokens and object ids on the plain HTTP routes (files, exports), with the API's rules."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from schema.ids import decode_any
from service import accounts
from service.security import Actor
from web import session

UNAUTHENTICATED_MESSAGE = "Token tidak valid atau sudah kedaluwarsa. Silakan masuk kembali."


def bearer_token(request: Request) -> tuple[str | None, bool]:
    """The token from `Authorization: Bearer …`; the flag says a header was sent but is malformed.

    The one reading of the header, for the GraphQL view and the plain routes alike."""
    header = request.headers.get("authorization")
    if not header:
        return None, False
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None, True
    return token, False


async def request_actor(request: Request) -> tuple[Actor | None, Response | None]:
    """The caller behind `Authorization: Bearer …`: (None, None) without the header; a bad token is a 401."""
    token, malformed = bearer_token(request)
    if token is None and not malformed:
        # A console session: downloads are GETs a link or a frame makes, so the cookie alone suffices;
        # an expired or revoked one is simply anonymous.
        cookie = session.session_token(request)
        return (await accounts.authenticate(cookie) if cookie else None), None
    actor = await accounts.authenticate(token) if token else None
    if actor is None:
        return None, JSONResponse({"error": "UNAUTHENTICATED", "message": UNAUTHENTICATED_MESSAGE}, status_code=401,
                                  headers={"WWW-Authenticate": "Bearer"})
    return actor, None


def path_pk(raw: str, type_name: str) -> int | None:
    """An object id in a URL path: the global ID the API gives ("Type:pk" in base64) or the plain number."""
    if raw.isdigit() and len(raw) <= 18:
        return int(raw)
    decoded = decode_any(raw)
    return decoded[1] if decoded is not None and decoded[0] == type_name else None
