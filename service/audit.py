"""Writing audit events, always inside the transaction of the change they record."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

from service.models import AuditEvent
from service.security import Actor


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


_COLUMNS = ("actor_id", "actor_username", "action", "target_type", "target_id", "before", "after", "created_at")
_INSERT = f"INSERT INTO audit_event ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"

# Fields never copied into the audit trail: personal data and secrets.
_REDACTED = {"password", "password_hash", "nik", "birth_date", "phone", "token_hash"}


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        if name in _REDACTED:
            continue
        out[name] = _plain(getattr(obj, name, None))
    return out


async def record(
    actor: Actor | None,
    action: str,
    target_type: str,
    target_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    connection: Any = None,
) -> AuditEvent:
    redacted_before = {k: v for k, v in (before or {}).items() if k not in _REDACTED} if before else None
    redacted_after = {k: v for k, v in (after or {}).items() if k not in _REDACTED} if after else None
    fields = {
        "actor_id": actor.user_id if actor else None,
        "actor_username": actor.username if actor else None,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id) if target_id is not None else None,
        "before": _plain(redacted_before),
        "after": _plain(redacted_after),
    }
    if connection is not None and callable(getattr(connection, "defer", None)):
        # Inside a SQLite write transaction: the line goes with the COMMIT (nothing reads it before), its
        # values converted by the model's own fields as an INSERT of the ORM would.
        event = AuditEvent(**fields)
        meta = AuditEvent._meta.fields_map
        values = [meta[name].to_db_value(getattr(event, name), event) for name in _COLUMNS]
        if connection.defer([(_INSERT, values)]):
            return event
    return await AuditEvent.create(
        **fields,
        using_db=connection,
    )


async def events(
    actor: Actor | None,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: Any = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
):
    """The audit trail, newest first, filtered; administrators only."""
    from service.errors import Forbidden

    if actor is None or not actor.can_manage:
        raise Forbidden()
    qs = AuditEvent.all()
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id is not None:
        qs = qs.filter(target_id=str(target_id))
    if action:
        qs = qs.filter(action=action)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-id")
