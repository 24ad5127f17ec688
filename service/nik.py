"""NIK at rest: AES-GCM ciphertext with the key's id in front, and an HMAC of the NIK for lookups and
duplicate checks, so that a dump of the database alone reveals no NIK.

Keys are `<id>:<32 bytes in url-safe base64>`. `JUARA_NIK_KEY` is the key in force; `JUARA_NIK_OLD_KEYS`
(comma-separated) are keys still accepted for reading until `juara rotate-nik-key` has re-encrypted every
row. Without `JUARA_NIK_KEY` (development, tests) a key is generated once into `JUARA_NIK_KEY_FILE`
(default var/nik.key, mode 0600); with `JUARA_ENV=production` the key must come from the environment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger("juara.nik")

_AAD = b"juara:person.nik:v1"
_HASH_INFO = b"juara:person.nik:lookup"


class NikKeyError(RuntimeError):
    """The NIK key is missing or malformed (a configuration error, reported at start-up)."""


@dataclass(frozen=True)
class NikKey:
    key_id: str
    secret: bytes

    @classmethod
    def parse(cls, text: str) -> NikKey:
        key_id, sep, encoded = text.strip().partition(":")
        if not sep or not key_id or not key_id.isalnum() or len(key_id) > 16:
            raise NikKeyError("Kunci NIK harus berbentuk '<id>:<base64>' dengan id huruf/angka (maks. 16).")
        try:
            secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as exc:
            raise NikKeyError("Kunci NIK bukan base64 yang sah.") from exc
        if len(secret) != 32:
            raise NikKeyError("Kunci NIK harus 32 byte (256 bit).")
        return cls(key_id, secret)

    def text(self) -> str:
        return f"{self.key_id}:{base64.urlsafe_b64encode(self.secret).decode().rstrip('=')}"

    @property
    def hash_key(self) -> bytes:
        return hmac.new(self.secret, _HASH_INFO, hashlib.sha256).digest()


def new_key(key_id: str | None = None) -> NikKey:
    return NikKey(key_id or f"k{secrets.token_hex(3)}", secrets.token_bytes(32))


@dataclass(frozen=True)
class Keyring:
    current: NikKey
    old: tuple[NikKey, ...] = ()

    def by_id(self, key_id: str) -> NikKey | None:
        for key in (self.current, *self.old):
            if key.key_id == key_id:
                return key
        return None


_keyring: Keyring | None = None


def _from_file(path: Path) -> NikKey:
    if path.exists():
        return NikKey.parse(path.read_text(encoding="utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_key("dev")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key.text() + "\n")
    log.warning("generated a development NIK key", extra={"path": str(path)})
    return key


def keyring() -> Keyring:
    """The keys in force, read once from the settings."""
    global _keyring
    if _keyring is None:
        from service.config import get_settings

        settings = get_settings()
        if settings.nik_key:
            current = NikKey.parse(settings.nik_key)
        elif settings.production:
            raise NikKeyError("JUARA_NIK_KEY wajib diisi di produksi (buat dengan `juara new-nik-key`).")
        else:
            current = _from_file(settings.nik_key_file)
        old = tuple(NikKey.parse(k) for k in settings.nik_old_keys if k.strip())
        _keyring = Keyring(current, old)
    return _keyring


def set_keyring(ring: Keyring | None) -> None:
    """Replace the keys in force (tests, and the CLI after reading its options); None re-reads settings."""
    global _keyring
    _keyring = ring


def nik_hash(nik: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    return hmac.new(ring.current.hash_key, nik.encode("ascii"), hashlib.sha256).hexdigest()


def encrypt(nik: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.current.secret).encrypt(nonce, nik.encode("ascii"), _AAD)
    return f"{ring.current.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def key_id_of(ciphertext: str) -> str:
    return ciphertext.partition(":")[0]


def decrypt(ciphertext: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    key_id, _, encoded = ciphertext.partition(":")
    key = ring.by_id(key_id)
    if key is None:
        raise NikKeyError(f"Kunci NIK '{key_id}' tidak tersedia: tambahkan ke JUARA_NIK_OLD_KEYS.")
    raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    return AESGCM(key.secret).decrypt(raw[:12], raw[12:], _AAD).decode("ascii")


def nik_columns(nik: str | None, ring: Keyring | None = None) -> dict[str, Any]:
    """The stored columns for a NIK (or for none)."""
    if not nik:
        return {"nik_encrypted": None, "nik_hash": None}
    return {"nik_encrypted": encrypt(nik, ring), "nik_hash": nik_hash(nik, ring)}


def read_nik(person: Any) -> str | None:
    value = getattr(person, "nik_encrypted", None)
    return decrypt(value) if value else None


async def rotate(batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every stored NIK under the current key and recompute its lookup hash, in one transaction."""
    from tortoise.transactions import in_transaction

    from service.models import Person

    ring = keyring()
    counts = {"rows": 0, "reencrypted": 0}
    async with in_transaction() as conn:
        last = 0
        while True:
            rows = await Person.filter(id__gt=last, nik_encrypted__isnull=False).using_db(conn).order_by(
                "id").limit(batch_size).values_list("id", "nik_encrypted")
            if not rows:
                break
            for pid, sealed in rows:
                nik = decrypt(sealed, ring)
                await Person.filter(id=pid).using_db(conn).update(**nik_columns(nik, ring))
                counts["rows"] += 1
                counts["reencrypted"] += 1
            last = rows[-1][0]
        from service import audit

        await audit.record(None, "person.nik_key_rotated", "Person", None,
                           after={"keyId": ring.current.key_id, "rows": counts["rows"]}, connection=conn)
    return counts
