"""The GraphQL HTTP view: authentication into the context, and error shaping (codes, masking)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from schema.achievements import compiled
from schema.context import Context
from schema.pagination import PaginationError
from service import accounts
from service.errors import DomainError, Forbidden, NotAuthenticated, UserInputError
from web import session
from web.auth import bearer_token
from web.middleware import error_body

log = logging.getLogger("juara.graphql")

_PLAIN_REQUEST_KEYS = {"query", "variables", "operationName"}
MASKED_MESSAGE = "Terjadi kesalahan pada server. Silakan coba lagi; bila berulang, hubungi admin dengan kode permintaan."


def shape_error(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    if original is None:
        # Parse and validation errors are the client's and safe to show.
        if error.extensions is None or "code" not in (error.extensions or {}):
            error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
        return error
    if error.path is None and isinstance(original, GraphQLError | ValueError | TypeError):
        # Variable coercion ("Int cannot represent …", a malformed Date): the client's input, no field ran.
        return GraphQLError(error.message, nodes=error.nodes, extensions={"code": "BAD_USER_INPUT"})
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


def request_id_for(request: Request) -> str:
    # Set by web.middleware.RequestIdMiddleware; a fresh one when the view runs without it.
    request_id = request.scope.get("state", {}).get("request_id")
    if not request_id:
        request_id = uuid.uuid4().hex[:16]
        request.scope.setdefault("state", {})["request_id"] = request_id
    return request_id


def is_request_error(result: ExecutionResult) -> bool:
    """The document or its variables were refused before execution (parse, validation, coercion)."""
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors or ())


QUERY_TOO_LONG_MESSAGE = "Teks kueri terlalu panjang (maksimal {limit} karakter); kirim nilai besar sebagai variabel."
# A GraphQL document of the console is a few kB; longer ones (an 11 MB string literal or comment, which the
# token-count limit does not bound) are refused before they are parsed.
MAX_QUERY_CHARS = 64 * 1024


class JuaraGraphQL(GraphQL[Context, None]):
    async def parse_http_body(self, request):
        try:
            data = await super().parse_http_body(request)
        except HTTPException:
            raise
        except (MultiPartException, StarletteHTTPException) as exc:
            # Too many fields or files, a malformed part: Starlette's plain-text 400 becomes the JSON one.
            detail = getattr(exc, "message", None) or getattr(exc, "detail", "")
            raise HTTPException(400, f"Permintaan multipart tidak sah: {detail}") from exc
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            # A multipart `map` or `operations` of the wrong shape (a JSON array for the map, say).
            raise HTTPException(400, "Permintaan multipart tidak sah: 'operations' harus objek JSON dan 'map' "
                                     "objek JSON berisi daftar path.") from exc
        for item in data if isinstance(data, list) else [data]:
            query = getattr(item, "query", None)
            if isinstance(query, str) and len(query) > MAX_QUERY_CHARS:
                raise HTTPException(400, QUERY_TOO_LONG_MESSAGE.format(limit=MAX_QUERY_CHARS))
        return data

    def encode_json(self, data: object) -> bytes:
        # The same JSON as the base class's json.dumps (compact), written in UTF-8 rather than \u escapes.
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own page and vendored GraphiQL instead of Strawberry's, which loads React from a CDN.
        from web.console import graphiql_page

        return await graphiql_page(request)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            try:
                response, context = await self._from_plan(request)
                if response is None:
                    response = await self.run(request) if context is None else await self.run(request, context=context)
            except HTTPException as exc:
                # Malformed requests (bad JSON, no query, wrong content type, batches) get a JSON body too.
                status = exc.status_code
                headers = {}
                if request.method == "GET" and "mutation" in (exc.reason or "").lower():
                    status, headers = 405, {"allow": "POST"}
                response = Response(
                    error_body(exc.reason, "BAD_REQUEST", request_id_for(request)), status_code=status,
                    media_type="application/json", headers=headers,
                )
            await response(scope, receive, send)
        finally:
            # The uploads of a multipart request are temporary files: closed now, not whenever GC runs.
            await request.close()

    async def _from_plan(self, request: Request) -> tuple[Response | None, Context | None]:
        """A POSTed JSON query that this worker has already parsed, validated and answered from its compiled
        plan goes straight to the plan again, without the second parse, validation and extension run. Any
        other request, or one the plan leaves to the ordinary path, gets (None, the context if one was made)."""
        content_type = request.headers.get("content-type", "")
        if request.method != "POST" or content_type.partition(";")[0].strip().lower() != "application/json":
            return None, None
        try:
            data = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None, None  # the ordinary path reports it
        if type(data) is not dict or not data.keys() <= _PLAIN_REQUEST_KEYS:
            return None, None
        query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
        if type(query) is not str or not (variables is None or type(variables) is dict) \
                or not (name is None or type(name) is str):
            return None, None
        plan = compiled.validated_plan(self.schema._schema, query, name)  # type: ignore[attr-defined]
        if plan is None:
            return None, None
        sub_response = await self.get_sub_response(request)
        request.state.plan_sub_response = sub_response  # the ordinary path, if it answers, uses it too
        context = await self.get_context(request, response=sub_response)
        result = await compiled.answer(plan, self.schema, context, variables)
        if result is None:
            return None, context
        return self.create_response({"data": result}, sub_response), context

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]
        pending = getattr(request.state, "plan_sub_response", None)
        return pending if pending is not None else await super().get_sub_response(request)

    # Narrower than the base class's (which also takes websockets): the app routes only HTTP here.
    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        token, malformed = bearer_token(request)
        if token is None and not malformed:
            # The console's session cookie, honoured only with the CSRF header (web/session.py).
            token = session.cookie_token(request) if session.has_csrf_header(request) else None
        actor = await accounts.authenticate(token) if token else None
        request_id = request_id_for(request)
        request.state.sub_response = response
        return Context(
            request=request, response=response, actor=actor,
            bad_credentials=malformed or (token is not None and actor is None),
            request_id=request_id,
        )

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            request_id = request_id_for(request)
            sub_response = getattr(request.state, "sub_response", None)
            if sub_response is not None and is_request_error(result):
                # GraphQL over HTTP: a request that could not be executed at all is a 400.
                sub_response.status_code = 400
            data["errors"] = [shape_error(e, request_id).formatted for e in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data
