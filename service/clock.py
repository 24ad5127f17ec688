"""The time of a write: one `now()` for the workflow, the press, evidence and imports (UTC, aware)."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
