"""The deadline of the work in hand (a request's), checked by long loops that never wait on anything.

A request past its deadline is abandoned: every check raises DeadlineExceeded and the work unwinds. A large
GraphQL answer leaves tens of thousands of tasks and over a million objects behind it; while they unwind, each
full pass of Python's cycle collector over them took a second or more of the worker's single thread (the 504
and every other request waited for it). The collector therefore pauses while an abandoned request unwinds:
what it leaves is freed by reference counting as it goes, and the collector resumes when the request is done."""

from __future__ import annotations

import contextvars
import gc
import threading
import time
from dataclasses import dataclass


@dataclass
class Deadline:
    at: float  # time.monotonic() by which the work must be done
    expired: bool = False
    released: bool = False


# The deadline of the current request; None without one. Tasks started by the request share it.
_deadline: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("juara_deadline", default=None)

_lock = threading.Lock()
_unwinding = 0  # abandoned requests not yet done, for which the cycle collector is paused
_collector_was_enabled = True


class DeadlineExceeded(BaseException):  # noqa: N818 - not an Exception: no `except Exception` may swallow it
    """The work ran past its deadline and is abandoned (a 504 for a request)."""


def start(seconds: float | None) -> contextvars.Token:
    return _deadline.set(Deadline(time.monotonic() + seconds) if seconds and seconds > 0 else None)


def current() -> Deadline | None:
    return _deadline.get()


def reset(token: contextvars.Token, release: bool = True) -> None:
    """The request is done (answered or abandoned): its deadline no longer applies. With `release` false, the
    work it started still unwinds elsewhere, and releases the deadline when it is done."""
    deadline = _deadline.get()
    _deadline.reset(token)
    if deadline is not None and release:
        _release(deadline)


def expire(deadline: Deadline) -> None:
    """Mark the deadline as passed (the first check past it, or the request's timer) and pause the collector."""
    global _unwinding, _collector_was_enabled
    with _lock:
        if deadline.expired or deadline.released:
            return
        deadline.expired = True
        if _unwinding == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _unwinding += 1


def release(deadline: Deadline) -> None:
    """The work under the deadline is done: the cycle collector resumes once no abandoned work unwinds."""
    _release(deadline)


def _release(deadline: Deadline) -> None:
    global _unwinding
    with _lock:
        if deadline.released:
            return
        deadline.released = True
        if not deadline.expired:
            return
        _unwinding -= 1
        if _unwinding == 0 and _collector_was_enabled:
            gc.enable()


def passed() -> bool:
    """Whether the deadline of the work in hand has passed. Cheap: one clock read."""
    deadline = _deadline.get()
    if deadline is None:
        return False
    if deadline.expired:
        return True
    if time.monotonic() <= deadline.at:
        return False
    expire(deadline)
    return True


def check() -> None:
    """Raise DeadlineExceeded once the deadline has passed."""
    if passed():
        raise DeadlineExceeded
