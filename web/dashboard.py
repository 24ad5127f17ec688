"""The built-in dashboard page: a server-rendered shell whose charts and map are fed by the GraphQL `stats` query."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from service.db import DATA_DIR

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "dashboard"
STATIC_DIR = Path(__file__).resolve().parent / "static"
ECHARTS_VERSION = "6.1.0"

_env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))


async def dashboard_page(request: Request) -> Response:
    """GET /dashboard: public (VERIFIED) statistics of Kabupaten Purbalingga, with Indonesian labels."""
    html = _env.get_template("index.html").render(echarts_version=ECHARTS_VERSION)
    return HTMLResponse(html, headers={
        # Everything the page needs comes from this app: no CDN, no inline script.
        "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                   "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
    })


async def kecamatan_geojson(request: Request) -> Response:
    """GET /dashboard/kecamatan.geojson: boundaries of the 18 kecamatan (properties kode, nama)."""
    return FileResponse(DATA_DIR / "kecamatan_purbalingga.geojson", media_type="application/geo+json",
                        headers={"Cache-Control": "public, max-age=86400"})
