"""The audit trail: who did what to which object, with the state before and after."""

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from service.models.accounts import User


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField("models.User", related_name="audit_events", null=True, on_delete=fields.SET_NULL)
    actor_id: int | None
    actor_username = fields.CharField(max_length=64, null=True)
    action = fields.CharField(max_length=64, db_index=True)
    target_type = fields.CharField(max_length=40)
    target_id = fields.CharField(max_length=40, null=True)
    before: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    after: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_event"
        ordering = ["-id"]
        indexes = (Index(fields=("target_type", "target_id")),)
