"""The composition root: the Starlette app, its lifespan and routes; the one place that imports schema/."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from service import accounts, db
from service.config import Settings, get_settings
from service.imports import jobs as import_jobs
from service.logs import configure_logging
from web import access, console, dashboard, exports, files, press, quote_page, session
from web.gate import Gate
from web.middleware import BodySizeLimitMiddleware, GuardMiddleware, RequestIdMiddleware, masked_500

log = logging.getLogger("juara.app")


async def healthz(request: Request) -> JSONResponse:
    try:
        await db.ping()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        log.warning("health check failed", extra={"error": type(exc).__name__})
        return JSONResponse({"status": "unhealthy", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": db.dialect()})


@functools.lru_cache(maxsize=8)
def _schema_for(settings: Settings):
    """One schema per settings: building it takes a third of a second, and it holds no per-app state."""
    from schema.limits import abuse_extensions
    from schema.schema import build_schema

    return build_schema(extensions=abuse_extensions(settings))


def create_app(manage_database: bool = True) -> Starlette:
    from web.graphql import JuaraGraphQL
    from web.response_cache import PublicResponseCache

    settings = get_settings()
    configure_logging(settings.log_level)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await db.init_db()
            await accounts.ensure_bootstrap_admin()
            # Jobs a stopped server left unfinished are FAILED with a message (their process is gone).
            await import_jobs.recover_orphaned_jobs()
            log.info("ready", extra={"database": db.dialect()})
        yield
        if manage_database:
            await import_jobs.shutdown()
            await db.close_db()

    graphql_app = JuaraGraphQL(
        _schema_for(settings),
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
        multipart_uploads_enabled=True,
    )
    routes = [
        Route("/graphql", files.MultipartGuard(PublicResponseCache(Gate(graphql_app, settings.graphql_concurrency),
                                                                   settings.response_cache, settings.response_cache_bytes),
                                                     settings.max_request_bytes), methods=["GET", "POST"]),
        Route("/evidence/{evidence_id}", files.evidence_download, methods=["GET"]),
        Route("/templates/import-prestasi.xlsx", files.import_template, methods=["GET"]),
        Route("/templates/import-prestasi.csv", files.import_template_csv, methods=["GET"]),
        Route("/press-releases/feed.atom", press.atom_feed, methods=["GET"]),
        Route("/press-releases/{release_id}.docx", press.docx_download, methods=["GET"]),
        Route("/kutipan/{token}", quote_page.quote_page, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/", console.console_page, methods=["GET"]),
        Route("/session", session.create_session, methods=["POST"]),
        Route("/session", session.end_session, methods=["DELETE"]),
        *[Route(f"/{name}", console.console_redirect(name), methods=["GET"]) for name in console.SCREEN_PATHS],
        Route("/dashboard", dashboard.dashboard_page, methods=["GET"]),
        Route("/dashboard/kecamatan.geojson", dashboard.kecamatan_geojson, methods=["GET"]),
        Route("/exports/achievements.csv", exports.achievements_csv, methods=["GET"]),
        Route("/exports/achievements.xlsx", exports.achievements_xlsx, methods=["GET"]),
        Route("/exports/stats.xlsx", exports.stats_xlsx, methods=["GET"]),
        Route("/persons/{person_id}/data.{fmt}", access.person_data_export, methods=["GET"]),
        Mount("/static", StaticFiles(directory=dashboard.STATIC_DIR), name="static"),
    ]
    # Outermost first: every response carries the request id, even the masked 500 and the 413.
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(GuardMiddleware, timeout_seconds=settings.request_timeout_seconds),
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes),
    ]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware,
                     exception_handlers={Exception: masked_500})


def __getattr__(name: str):
    # `web.app:app` for uvicorn, built on first access so that importing this module stays cheap.
    if name == "app":
        return create_app()
    raise AttributeError(name)
