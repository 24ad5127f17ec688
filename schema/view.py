"""The GraphQL HTTP view: authentication into the context, and error shaping (codes, masking)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from schema.context import Context
from schema.pagination import PaginationError
from service import accounts
from service.errors import DomainError, Forbidden, NotAuthenticated, UserInputError

log = logging.getLogger("juara.graphql")

MASKED_MESSAGE = "Terjadi kesalahan pada server. Silakan coba lagi; bila berulang, hubungi admin dengan kode permintaan."


def bearer_token(request: Request) -> tuple[str | None, bool]:
    """The token from `Authorization: Bearer …`; the flag says a header was sent but is malformed."""
    header = request.headers.get("authorization")
    if not header:
        return None, False
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        return None, True
    return token.strip(), False


def shape_error(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    if original is None:
        # Parse and validation errors are the client's and safe to show.
        if error.extensions is None or "code" not in (error.extensions or {}):
            error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
        return error
    if isinstance(original, NotAuthenticated | Forbidden):
        return GraphQLError(str(original), nodes=error.nodes, path=error.path, extensions={"code": original.code})
    if isinstance(original, UserInputError):
        first = original.problems[0]
        ext: dict[str, Any] = {"code": first.code.value, "field": first.field}
        if isinstance(original, PaginationError):
            ext["code"] = "BAD_USER_INPUT"
            ext["reason"] = first.code.value
        return GraphQLError(first.message, nodes=error.nodes, path=error.path, extensions=ext)
    if isinstance(original, DomainError):
        return GraphQLError(str(original), nodes=error.nodes, path=error.path, extensions={"code": "BAD_REQUEST"})
    log.error(
        "unexpected error while resolving %s", ".".join(str(p) for p in (error.path or [])),
        exc_info=original, extra={"request_id": request_id},
    )
    return GraphQLError(
        MASKED_MESSAGE, nodes=error.nodes, path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


class JuaraGraphQL(GraphQL):
    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        token, malformed = bearer_token(request)
        actor = await accounts.authenticate(token) if token else None
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
        return Context(
            request=request, response=response, actor=actor,
            bad_credentials=malformed or (token is not None and actor is None),
            request_id=request_id,
        )

    async def process_result(self, request: Request, result: ExecutionResult) -> dict[str, Any]:  # type: ignore[override]
        data: dict[str, Any] = {"data": result.data}
        if result.errors:
            request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex[:16]
            data["errors"] = [shape_error(e, request_id).formatted for e in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data
