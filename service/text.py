"""Small input-cleaning rules shared by every write path."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from service.errors import Problems, UserErrorCode

WIB = ZoneInfo("Asia/Jakarta")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def today_wib() -> dt.date:
    """Purbalingga's calendar day (WIB), which decides what 'in the future' means."""
    return dt.datetime.now(WIB).date()


def clean(value: str | None, *, multiline: bool = False) -> str | None:
    """Trim, drop control characters and (for one-line fields) fold runs of white space."""
    if value is None:
        return None
    value = _CONTROL.sub("", value)
    if not multiline:
        value = _SPACES.sub(" ", value)
    value = value.strip()
    return value or None


def required_text(problems: Problems, field: str, label: str, value: str | None, max_length: int) -> str | None:
    cleaned = clean(value)
    if not cleaned:
        problems.add(field, UserErrorCode.REQUIRED, f"{label} wajib diisi.")
        return None
    if len(cleaned) > max_length:
        problems.add(field, UserErrorCode.INVALID, f"{label} terlalu panjang (maksimal {max_length} karakter).")
        return None
    return cleaned


def optional_text(
    problems: Problems, field: str, label: str, value: str | None, max_length: int, multiline: bool = False
) -> str | None:
    cleaned = clean(value, multiline=multiline)
    if cleaned and len(cleaned) > max_length:
        problems.add(field, UserErrorCode.INVALID, f"{label} terlalu panjang (maksimal {max_length} karakter).")
        return None
    return cleaned


def valid_http_url(value: str) -> bool:
    if len(value) > 2000 or any(c.isspace() for c in value):
        return False
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc) and "@" not in parsed.netloc


def initials(name: str) -> str:
    """'Rina Kusuma' -> 'R. K.': how a person without publication consent is named in public."""
    parts = [p for p in re.split(r"[\s.]+", name) if p]
    return " ".join(f"{p[0].upper()}." for p in parts) or "-"
