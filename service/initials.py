"""A writer's initials for the byline "(LPU/Kominfo)", from a full name; shared by accounts and the press."""

from __future__ import annotations

import re

# Honorifics and academic titles before a name; degrees after it carry an inner dot ("S.Kom", "M.Pd").
_TITLES = frozenset({"dr", "drs", "dra", "ir", "h", "hj", "prof", "kh", "ust", "ustadz"})


def _is_title(word: str) -> bool:
    bare = word.strip(".").lower()
    return bare in _TITLES or "." in word.strip(".")


def byline_initials(full_name: str | None) -> str:
    """The writer's initials for '(XX/Kominfo)': 'Lalang Pradistia Utama' -> 'LPU'; unknown -> 'XX'."""
    if not full_name:
        return "XX"  # callers fall back to the desk's initials (JUARA_PRESS_INITIALS)
    head = full_name.split(",")[0]  # degrees usually follow a comma: "Rina Kusuma, S.Kom."
    words = [w for w in head.split() if re.match(r"[A-Za-z]", w)]
    words = [w for w in words if not _is_title(w)] or words
    if not words:
        return "XX"
    if len(words) == 1:
        return re.sub(r"[^A-Z]", "", words[0].upper())[:2] or "XX"
    return (re.sub(r"[^A-Z]", "", "".join(w[0] for w in words[:4]).upper()) or "XX")[:4]
