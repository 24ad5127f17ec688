"""HTTP routes of the exports: query-string filters parsed as the API parses them, files streamed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from schema.ids import decode_any
from service import stats
from service.achievements import AchievementFilter
from service.enums import AchievementLevel, AchievementRank, AchievementStatus, AchieverKind
from service.errors import DomainError, Forbidden, UserInputError
from service.exports import csv_chunks, stats_workbook, xlsx_chunks
from web.auth import request_actor

log = logging.getLogger("juara.exports")


class ExportError(DomainError):
    """A query-string parameter of an export cannot be understood."""


# --- parameters -----------------------------------------------------------------------------------

def _enum(params: dict[str, str], name: str, enum_type: Any, label: str) -> Any:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return enum_type(raw)
    except ValueError:
        raise ExportError(f"Nilai {label} '{raw[:40]}' tidak dikenal.") from None


def _date(params: dict[str, str], name: str, label: str) -> dt.date | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ExportError(f"{label} harus berformat TTTT-BB-HH, misalnya 2026-08-17.") from None


def _global_id(params: dict[str, str], name: str, expected: str) -> int | None:
    """Global IDs as in the API, through the API's own codec."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    decoded = decode_any(raw)
    if decoded is None or decoded[0] != expected:
        raise ExportError(f"ID '{raw[:60]}' bukan ID {expected} yang sah.")
    return decoded[1]


def achievement_filter(params: dict[str, str]) -> AchievementFilter:
    """The `achievements` query's filter, from query-string parameters with the same names."""
    return AchievementFilter(
        status=_enum(params, "status", AchievementStatus, "status"),
        level=_enum(params, "level", AchievementLevel, "tingkat"),
        rank=_enum(params, "rank", AchievementRank, "peringkat"),
        category_id=_global_id(params, "categoryId", "Category"),
        kecamatan_id=_global_id(params, "kecamatanId", "Kecamatan"),
        desa_id=_global_id(params, "desaId", "Desa"),
        institution_id=_global_id(params, "institutionId", "Institution"),
        achiever_kind=_enum(params, "achieverKind", AchieverKind, "jenis peraih"),
        date_from=_date(params, "dateFrom", "Tanggal awal"),
        date_to=_date(params, "dateTo", "Tanggal akhir"),
        search=(params.get("search") or None),
    )


def stats_filter(params: dict[str, str]) -> stats.StatsFilter:
    year = params.get("year")
    if year not in (None, "") and not year.isdigit():
        raise ExportError("Tahun harus berupa angka, misalnya 2025.")
    return stats.StatsFilter(
        year=int(year) if year else None,
        date_from=_date(params, "dateFrom", "Tanggal awal"),
        date_to=_date(params, "dateTo", "Tanggal akhir"),
        level=_enum(params, "level", AchievementLevel, "tingkat"),
        category_id=_global_id(params, "categoryId", "Category"),
        kecamatan_id=_global_id(params, "kecamatanId", "Kecamatan"),
        status=_enum(params, "status", AchievementStatus, "status"),
    )


class _ClosingStreamingResponse(StreamingResponse):
    """Closes its generator however the response ended: a client that leaves mid-download leaves a generator
    suspended at a `yield`, whose clean-up (an XLSX archive still open) would otherwise wait for the collector."""

    def __init__(self, chunks: AsyncIterator[bytes], **kwargs: Any) -> None:
        self._chunks = chunks
        super().__init__(chunks, **kwargs)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            aclose = getattr(self._chunks, "aclose", None)
            if aclose is not None:
                await aclose()


# --- HTTP -------------------------------------------------------------------------------------------

def _refusal(exc: Exception) -> JSONResponse:
    if isinstance(exc, Forbidden):
        return JSONResponse({"error": "FORBIDDEN", "message": str(exc)}, status_code=403)
    if isinstance(exc, UserInputError):
        return JSONResponse({"error": exc.problems[0].code.value, "message": exc.problems[0].message}, status_code=400)
    return JSONResponse({"error": "INVALID", "message": str(exc)}, status_code=400)


def _file_name(stem: str, ext: str) -> str:
    return f"{stem}-{dt.date.today().isoformat()}.{ext}"


async def achievements_csv(request: Request) -> Response:
    """GET /exports/achievements.csv with the filters of the `achievements` query."""
    actor, refusal = await request_actor(request)
    if refusal:
        return refusal
    try:
        flt = achievement_filter(dict(request.query_params))
    except DomainError as exc:
        return _refusal(exc)
    log.info("achievements exported", extra={"format": "csv", "actor": actor.username if actor else None})
    return StreamingResponse(
        csv_chunks(actor, flt), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_file_name("prestasi", "csv")}"'},
    )


async def achievements_xlsx(request: Request) -> Response:
    """GET /exports/achievements.xlsx with the filters of the `achievements` query."""
    actor, refusal = await request_actor(request)
    if refusal:
        return refusal
    try:
        flt = achievement_filter(dict(request.query_params))
    except DomainError as exc:
        return _refusal(exc)
    log.info("achievements exported", extra={"format": "xlsx", "actor": actor.username if actor else None})
    return _ClosingStreamingResponse(
        xlsx_chunks(actor, flt), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_file_name("prestasi", "xlsx")}"'},
    )


async def stats_xlsx(request: Request) -> Response:
    """GET /exports/stats.xlsx with the filters of the `stats` query (year, dateFrom, dateTo, level, …)."""
    actor, refusal = await request_actor(request)
    if refusal:
        return refusal
    try:
        data = await stats_workbook(actor, stats_filter(dict(request.query_params)))
    except DomainError as exc:
        return _refusal(exc)
    return Response(
        data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_file_name("statistik-prestasi", "xlsx")}"'},
    )
