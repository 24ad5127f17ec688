"""Filter of the audit trail."""

from __future__ import annotations

import datetime as dt

import strawberry


@strawberry.input(description="Every given condition must hold.")
class AuditEventFilter:
    actor_id: strawberry.ID | None = strawberry.field(default=None, description="A User's global ID.")
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="The global ID of the object acted on (its type and key)."
    )
    target_type: str | None = strawberry.field(default=None, description="e.g. Achievement, User, PressRelease.")
    action: str | None = None
    since: dt.datetime | None = strawberry.field(default=None, description="From this instant (inclusive).")
    until: dt.datetime | None = strawberry.field(default=None, description="Before this instant (exclusive).")
