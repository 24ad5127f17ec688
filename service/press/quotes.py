"""Quotes from the source: a link an editor sends to an institution's head, and the quote it brings back.

The token is random, single-use, expires, and is stored only as its SHA-256. An unknown, used or expired
token is NOT_FOUND with the same message, so the answer tells nothing about which. An answer fills the
draft's first quote slot (the official's quote) as a new revision signed by the speaker, audited, in one
transaction; a PUBLISHED or ARCHIVED release is never changed by it (the quote is kept on the request).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from service import audit
from service.config import get_settings
from service.db import execute
from service.enums import PressReleaseStatus, QuoteRequestStatus
from service.errors import Forbidden, Problems, UserErrorCode, UserInputError
from service.models import PressRelease, PressReleaseRevision, QuoteRequest
from service.security import Actor
from service.text import clean

MAX_NAME = 200
MAX_QUOTE = 2000
QUOTE_PATH = "/kutipan/"
_EDITABLE = (PressReleaseStatus.DRAFT, PressReleaseStatus.IN_REVIEW)
_NOT_FOUND = "Tautan kutipan tidak ditemukan atau sudah tidak berlaku. Mintalah tautan baru kepada redaksi."
# The official's quote slot a draft leaves: “[[ kutipan … ]],” kata Kepala … [[ nama ]].
_FIRST_SLOT = re.compile(r"“\[\[ kutipan[^\]]*\]\],” (?P<verb>\w+) [^\n]*?\[\[ nama \]\]\.")
_ANY_SLOT = re.compile(r"“\[\[[^\]]*\]\],”[^\n]*?\.")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def quote_url(token: str, base_url: str = "") -> str:
    return f"{base_url.rstrip('/')}{QUOTE_PATH}{token}"


@dataclass(frozen=True)
class IssuedQuoteRequest:
    request: QuoteRequest
    token: str  # only here, once: the link to send


def _require_editor(actor: Actor | None) -> None:
    if actor is None or not actor.can_edit_press:
        raise Forbidden("Hanya editor IKP atau administrator yang dapat meminta kutipan.")


def _name(problems: Problems, field: str, value: str | None, label: str) -> str:
    text = clean(value)
    if not text:
        problems.add(field, UserErrorCode.REQUIRED, f"{label} wajib diisi.")
    elif len(text) > MAX_NAME:
        problems.add(field, UserErrorCode.TOO_LARGE, f"{label} terlalu panjang (maksimal {MAX_NAME} karakter).")
    return text or ""


async def request_quote(actor: Actor, release_id: int, recipient_name: str, recipient_position: str
                        ) -> IssuedQuoteRequest:
    """A new link for the head or humas of the institution; the editor sends it by WhatsApp or e-mail."""
    _require_editor(actor)
    problems = Problems()
    name = _name(problems, "recipientName", recipient_name, "Nama penerima")
    position = _name(problems, "recipientPosition", recipient_position, "Jabatan penerima")
    problems.raise_if_any()
    token = secrets.token_urlsafe(32)
    async with in_transaction() as conn:
        release = await PressRelease.filter(id=release_id).using_db(conn).first()
        if release is None:
            raise UserInputError.one("pressReleaseId", UserErrorCode.NOT_FOUND, "Rilis berita tidak ditemukan.")
        if release.status not in _EDITABLE:
            raise UserInputError.one("pressReleaseId", UserErrorCode.INVALID,
                                     "Kutipan hanya dapat diminta untuk rilis berstatus draf atau dalam tinjauan.")
        request = await QuoteRequest.create(
            press_release_id=release.id, recipient_name=name, recipient_position=position,
            token_hash=hash_token(token), expires_at=now() + dt.timedelta(days=get_settings().quote_ttl_days),
            created_by_id=actor.user_id, using_db=conn,
        )
        await audit.record(actor, "quote_request.create", "QuoteRequest", request.id, after={
            "pressReleaseId": release.id, "recipientName": name, "recipientPosition": position,
            "expiresAt": request.expires_at.isoformat(),
        }, connection=conn)
    return IssuedQuoteRequest(request, token)


def effective_status(request: QuoteRequest, at: dt.datetime | None = None) -> QuoteRequestStatus:
    """OPEN until answered, cancelled or past its expiry (an expired request is not rewritten on read)."""
    status = QuoteRequestStatus(request.status)
    if status == QuoteRequestStatus.OPEN and request.expires_at <= (at or now()):
        return QuoteRequestStatus.EXPIRED
    return status


async def open_request(token: str | None, conn: Any = None) -> QuoteRequest:
    """The OPEN, unexpired request of a token, or NOT_FOUND (the same for unknown, used and expired)."""
    if not token or len(token) > 200:
        raise UserInputError.one("token", UserErrorCode.NOT_FOUND, _NOT_FOUND)
    query = QuoteRequest.filter(token_hash=hash_token(token), status=QuoteRequestStatus.OPEN, expires_at__gt=now())
    request = await (query.using_db(conn).select_for_update() if conn is not None else query).first()
    if request is None:
        raise UserInputError.one("token", UserErrorCode.NOT_FOUND, _NOT_FOUND)
    return request


@dataclass(frozen=True)
class QuotePage:
    """What the public page shows: the release title and who was asked, nothing else of the draft."""

    release_title: str
    recipient_name: str
    recipient_position: str
    expires_at: dt.datetime


async def quote_page(token: str | None) -> QuotePage:
    request = await open_request(token)
    release = await PressRelease.get(id=request.press_release_id)
    return QuotePage(release.title, request.recipient_name, request.recipient_position, request.expires_at)


def _quote_text(raw: str | None, problems: Problems) -> str:
    text = clean(raw, multiline=True) or ""
    text = " ".join(text.split()).strip().strip("“”\"").strip()
    if not text:
        problems.add("text", UserErrorCode.REQUIRED, "Kutipan wajib diisi.")
    elif len(text) > MAX_QUOTE:
        problems.add("text", UserErrorCode.TOO_LARGE, f"Kutipan terlalu panjang (maksimal {MAX_QUOTE} karakter).")
    elif "[[" in text or "]]" in text:
        problems.add("text", UserErrorCode.INVALID, "Kutipan tidak boleh memuat tanda [[ atau ]].")
    return text.rstrip(".,")


def fill_first_slot(body: str, text: str, speaker_name: str, speaker_position: str) -> str:
    """The body with its official's quote slot replaced: “…,” kata Kepala SMP Negeri 1 Bobotsari Nama."""
    match = _FIRST_SLOT.search(body) or _ANY_SLOT.search(body)
    attribution = match.groupdict().get("verb") if match and "verb" in match.groupdict() else None
    sentence = f"“{text},” {attribution or 'kata'} {speaker_position} {speaker_name}."
    if match is None:
        # No slot left (the editor wrote around it): the quote goes before the closing byline paragraph.
        paragraphs = body.rstrip("\n").split("\n\n")
        paragraphs.insert(max(len(paragraphs) - 1, 1), sentence)
        return "\n\n".join(paragraphs) + "\n"
    return body[:match.start()] + sentence + body[match.end():]


async def submit_quote(token: str | None, text: str, speaker_name: str, speaker_position: str) -> QuoteRequest:
    """Anyone holding the link: the quote lands in the draft as a new revision signed by the speaker."""
    problems = Problems()
    quote = _quote_text(text, problems)
    name = _name(problems, "speakerName", speaker_name, "Nama")
    position = _name(problems, "speakerPosition", speaker_position, "Jabatan")
    stamp = now()
    async with in_transaction() as conn:
        request = await open_request(token, conn)  # NOT_FOUND first: a bad token learns nothing else
        problems.raise_if_any()
        release = await PressRelease.filter(id=request.press_release_id).using_db(conn).first()
        changed = False
        if release is not None and release.status in _EDITABLE:
            signed = f"Kutipan dari {name}, {position}"[:300]
            created = PressReleaseRevision._meta.fields_map["created_at"].to_db_value(stamp, PressReleaseRevision)
            await execute(
                "INSERT INTO press_release_revision (press_release_id, version, title, body, editor_id, signed_by, "
                "created_at) SELECT id, version, title, body, NULL, ?, ? FROM press_release WHERE id = ? AND version = ?",
                [signed, created, release.id, release.version], connection=conn,
            )
            changed = await PressRelease.filter(id=release.id, version=release.version).using_db(conn).update(
                body=fill_first_slot(release.body, quote, name, position), version=F("version") + 1,
                updated_at=stamp,
            ) == 1
        updated = await QuoteRequest.filter(id=request.id, status=QuoteRequestStatus.OPEN).using_db(conn).update(
            status=QuoteRequestStatus.ANSWERED, answered_at=stamp, quote_text=quote, speaker_name=name,
            speaker_position=position,
        )
        if updated != 1:
            raise UserInputError.one("token", UserErrorCode.NOT_FOUND, _NOT_FOUND)
        await audit.record(None, "quote_request.answer", "QuoteRequest", request.id, after={
            "pressReleaseId": request.press_release_id, "speakerName": name,
            "speakerPosition": position, "releaseChanged": bool(changed),
        }, connection=conn)
        return await QuoteRequest.get(id=request.id, using_db=conn)


async def quote_requests_of(release_ids: list[int]) -> dict[int, list[QuoteRequest]]:
    rows = await QuoteRequest.filter(press_release_id__in=release_ids).order_by("-id")
    out: dict[int, list[QuoteRequest]] = {}
    for row in rows:
        out.setdefault(row.press_release_id, []).append(row)
    return out
