"""The audit trail query (ADMIN)."""

from __future__ import annotations

import strawberry

from schema.audit.inputs import AuditEventFilter
from schema.audit.types import AuditEventType
from schema.ids import decode_any, decode_id
from schema.pagination import Connection, paginate
from schema.permissions import GATE
from service import audit
from service.errors import UserErrorCode, UserInputError


@strawberry.type
class AuditQueries:
    @strawberry.field(permission_classes=GATE, description="The audit trail, newest first (ADMIN).")
    async def audit_events(
        self, info: strawberry.Info, filter: AuditEventFilter | None = None,  # noqa: A002 - contract style
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[AuditEventType]:
        f = filter or AuditEventFilter()
        target_type, target_id = f.target_type, None
        if f.target_id is not None:
            decoded = decode_any(f.target_id)
            if decoded is None:
                raise UserInputError.one("targetId", UserErrorCode.INVALID,
                                         f"ID '{str(f.target_id)[:60]}' bukan ID yang sah.")
            target_type, target_id = decoded
        actor_id = decode_id(f.actor_id, "User", "actorId")
        qs = await audit.events(
            info.context.actor, actor_id=actor_id, target_type=target_type, target_id=target_id,
            action=f.action, since=f.since, until=f.until,
        )
        return await paginate(qs, AuditEventType.from_row, first=first, after=after, last=last, before=before)
