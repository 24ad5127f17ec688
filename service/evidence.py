"""Evidence files of achievements: uploads recognised by content, stored with a SHA-256, served and removed."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from service import audit, followups
from service.achievements import EDITABLE, get_visible
from service.clock import now
from service.config import get_settings
from service.directory import can_act_for
from service.enums import AchievementStatus, EvidenceKind
from service.errors import Forbidden, UserErrorCode, UserInputError
from service.models import Achievement, Evidence, Institution
from service.security import Actor
from service.text import clean

log = logging.getLogger("juara.evidence")

# Recognised by their first bytes, never by the name or the type the client claims.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
TYPE_LABELS = "PDF, JPEG, PNG atau WebP"
_CHUNK = 64 * 1024
_STORAGE_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}\.(pdf|jpg|png|webp)$")


def sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_file_name(name: str | None, content_type: str) -> str:
    """The client's file name without directories or control characters, with the extension of its real type."""
    base = unicodedata.normalize("NFC", name or "")
    base = re.split(r"[/\\]", base)[-1]
    base = clean(base) or ""
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(". ")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[:120].strip() or "bukti"
    return f"{stem}{EXTENSIONS[content_type]}"


def content_disposition(file_name: str) -> str:
    """attachment with an ASCII fallback and the exact name as RFC 5987 filename*."""
    ascii_name = "".join(
        c if 32 <= ord(c) < 127 and c not in '"\\;%' else "_"
        for c in unicodedata.normalize("NFKD", file_name).encode("ascii", "replace").decode("ascii")
    ).replace("?", "_") or "bukti"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


class Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


def storage_path(storage_key: str) -> Path | None:
    if not _STORAGE_KEY.match(storage_key or ""):
        return None
    return get_settings().evidence_dir / storage_key


@dataclass
class StoredFile:
    storage_key: str
    path: Path
    size: int
    sha256: str
    content_type: str


async def store_stream(read: Callable[[int], Awaitable[bytes]], max_bytes: int) -> StoredFile:
    """Copy an upload to the evidence directory under a random name, hashing it and enforcing the size limit."""
    settings = get_settings()
    key_hex = secrets.token_hex(16)
    folder = settings.evidence_dir / key_hex[:2]
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".upload-{key_hex}"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(tmp, "wb") as fh:  # noqa: ASYNC230 - local disk, small chunks
            while True:
                chunk = await read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise UserInputError.one(
                        "file", UserErrorCode.TOO_LARGE,
                        f"Berkas terlalu besar; ukuran maksimal {max_bytes // (1024 * 1024) or 1} MB.",
                    )
                if len(head) < 16:
                    head += chunk[:16]
                digest.update(chunk)
                fh.write(chunk)
        if size == 0:
            raise UserInputError.one("file", UserErrorCode.REQUIRED, "Berkas kosong; pilih berkas bukti yang benar.")
        content_type = sniff_content_type(head)
        if content_type is None:
            raise UserInputError.one(
                "file", UserErrorCode.UNSUPPORTED_TYPE,
                f"Jenis berkas tidak didukung; unggah {TYPE_LABELS} (dikenali dari isinya, bukan nama berkas).",
            )
        storage_key = f"{key_hex[:2]}/{key_hex}{EXTENSIONS[content_type]}"
        final = settings.evidence_dir / storage_key
        os.replace(tmp, final)
        return StoredFile(storage_key, final, size, digest.hexdigest(), content_type)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


async def _editable_achievement(actor: Actor, achievement_id: int, verb: str) -> tuple[Achievement, tuple]:
    achievement = await get_visible(actor, achievement_id)
    if achievement is None:
        raise UserInputError.one("achievementId", UserErrorCode.NOT_FOUND, "Prestasi tidak ditemukan.")
    institution = await Institution.get(id=achievement.institution_id)  # type: ignore[attr-defined]
    if not can_act_for(actor, institution):
        raise Forbidden(f"Anda hanya dapat {verb} bukti prestasi instansi Anda dan instansi di bawahnya.")
    allowed = tuple(AchievementStatus) if actor.can_manage else EDITABLE
    if achievement.status not in allowed:
        raise UserInputError.one(
            None, UserErrorCode.INVALID_TRANSITION,
            f"Bukti hanya dapat {verb} selama prestasi berstatus draf atau ditolak.",
        )
    return achievement, allowed


async def _touch(conn: Any, achievement: Achievement, allowed: tuple) -> Achievement:
    """Bump the version conditionally, so that a concurrent submit or edit cannot slip between."""
    n = await Achievement.filter(id=achievement.id, version=achievement.version, status__in=allowed).using_db(
        conn
    ).update(version=F("version") + 1, updated_at=now())
    if n != 1:
        raise UserInputError.one(
            None, UserErrorCode.VERSION_CONFLICT,
            "Prestasi ini baru saja diubah oleh pengguna lain. Muat ulang lalu ulangi.",
        )
    return await Achievement.get(id=achievement.id).using_db(conn)


async def upload_evidence(
    actor: Actor, achievement_id: int, upload: Readable, file_name: str | None, description: str | None = None
) -> Evidence:
    achievement, allowed = await _editable_achievement(actor, achievement_id, "ditambah")
    desc = clean(description)
    if desc and len(desc) > 500:
        raise UserInputError.one("description", UserErrorCode.INVALID, "Keterangan bukti terlalu panjang (maksimal 500 karakter).")
    stored = await store_stream(upload.read, get_settings().max_upload_bytes)
    try:
        async with in_transaction() as conn:
            updated = await _touch(conn, achievement, allowed)
            evidence = await Evidence.create(
                achievement_id=achievement.id, kind=EvidenceKind.FILE,
                file_name=safe_file_name(file_name, stored.content_type), content_type=stored.content_type,
                size=stored.size, sha256=stored.sha256, storage_key=stored.storage_key, description=desc,
                uploaded_by_id=actor.user_id, using_db=conn,
            )
            await audit.record(
                actor, "evidence.upload", "Evidence", evidence.id,
                after={"achievement_id": achievement.id, "file_name": evidence.file_name,
                       "content_type": stored.content_type, "size": stored.size, "sha256": stored.sha256},
                connection=conn,
            )
            await followups.achievement_edited(updated, achievement, conn)
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise
    log.info("evidence stored", extra={"evidence_id": evidence.id, "bytes": stored.size})
    return evidence


async def remove_evidence(actor: Actor, evidence_id: int) -> Achievement:
    evidence = await Evidence.filter(id=evidence_id).first()
    if evidence is None or await get_visible(actor, evidence.achievement_id) is None:  # type: ignore[attr-defined]
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Bukti tidak ditemukan.")
    achievement, allowed = await _editable_achievement(actor, evidence.achievement_id, "dihapus")  # type: ignore[attr-defined]
    async with in_transaction() as conn:
        updated = await _touch(conn, achievement, allowed)
        deleted = await Evidence.filter(id=evidence.id).using_db(conn).delete()
        if not deleted:
            raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Bukti tidak ditemukan.")
        await audit.record(
            actor, "evidence.remove", "Evidence", evidence.id,
            before={"achievement_id": achievement.id, "kind": evidence.kind, "url": evidence.url,
                    "file_name": evidence.file_name, "sha256": evidence.sha256},
            connection=conn,
        )
        await followups.achievement_edited(updated, achievement, conn)
    if evidence.kind == EvidenceKind.FILE and evidence.storage_key:
        path = storage_path(evidence.storage_key)
        if path is not None:
            path.unlink(missing_ok=True)
    return updated


async def open_evidence(actor: Actor | None, evidence_id: int) -> tuple[Evidence, Path] | None:
    """The stored file of an evidence row, when the caller may see its achievement; else None."""
    evidence = await Evidence.filter(id=evidence_id, kind=EvidenceKind.FILE).first()
    if evidence is None or await get_visible(actor, evidence.achievement_id) is None:  # type: ignore[attr-defined]
        return None
    path = storage_path(evidence.storage_key or "")
    if path is None or not path.is_file():
        log.warning("evidence file missing", extra={"evidence_id": evidence_id})
        return None
    return evidence, path

