"""The deadline of the work in hand (a request's), checked by long loops that never wait on anything."""

from __future__ import annotations

import contextvars
import time

# Monotonic time (time.monotonic) by which the current request must be done; None without a deadline.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("juara_deadline", default=None)


class DeadlineExceeded(BaseException):  # noqa: N818 - not an Exception: no `except Exception` may swallow it
    """The work ran past its deadline and is abandoned (a 504 for a request)."""


def start(seconds: float | None) -> contextvars.Token:
    return _deadline.set(time.monotonic() + seconds if seconds and seconds > 0 else None)


def reset(token: contextvars.Token) -> None:
    _deadline.reset(token)


def check() -> None:
    """Raise DeadlineExceeded once the deadline has passed. Cheap: one clock read."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineExceeded
