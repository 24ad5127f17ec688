"""GraphQL types of the audit trail."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from schema.accounts.types import UserType
from schema.ids import encode_id
from service.models import AuditEvent


@strawberry.type(name="AuditEvent", description="Who did what to which object, with the state before and after.")
class AuditEventType:
    id: strawberry.ID
    action: str = strawberry.field(description="e.g. achievement.verify, user.deactivate, login.")
    actor_username: str | None = strawberry.field(description="Kept even when the account is gone.")
    target_type: str
    target_id: strawberry.ID | None = strawberry.field(description="The global ID of the object acted on.")
    before: JSON | None
    after: JSON | None
    created_at: dt.datetime
    _actor_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: AuditEvent) -> AuditEventType:
        target = encode_id(row.target_type, row.target_id) if row.target_id is not None else None
        return cls(
            id=strawberry.ID(encode_id("AuditEvent", row.id)), action=row.action,
            actor_username=row.actor_username, target_type=row.target_type,
            target_id=strawberry.ID(target) if target else None, before=JSON(row.before) if row.before is not None else None,
            after=JSON(row.after) if row.after is not None else None,
            created_at=row.created_at, _actor_id=row.actor_id,
        )

    @strawberry.field
    async def actor(self, info: strawberry.Info) -> UserType | None:
        if self._actor_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self._actor_id)
        return UserType.from_row(row) if row else None
