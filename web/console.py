"""The console's pages: the shell at `/` (the screens are ES modules talking to /graphql) and GraphiQL."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

CONSOLE_DIR = Path(__file__).resolve().parent / "static" / "console"

# No inline script anywhere; images and frames from this server (blob: for previews of files not yet sent).
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# GraphiQL's editors set style attributes from its own script.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-cache"}


async def console_page(request: Request) -> Response:
    """GET /: the console (login, then the screens of the caller's role)."""
    return FileResponse(CONSOLE_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers={**PAGE_HEADERS, "Content-Security-Policy": CONSOLE_CSP})


# Paths people type or bookmark, each sent to the console's screen of that name.
SCREEN_PATHS = {"login": "", "masuk": "", "admin": "admin", "editor": "redaksi", "verifikator": "antrian",
                "operator": ""}


def console_redirect(name: str):
    async def redirect(request: Request) -> Response:
        return RedirectResponse(f"/#/{SCREEN_PATHS[name]}", status_code=303)
    return redirect


async def graphiql_page(request: Request) -> Response:
    """GET /graphql in a browser: GraphiQL from the vendored files, started by an external script."""
    return FileResponse(CONSOLE_DIR / "graphiql.html", media_type="text/html; charset=utf-8",
                        headers={**PAGE_HEADERS, "Content-Security-Policy": GRAPHIQL_CSP})
