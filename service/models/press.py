"""Press releases drafted from verified achievements, and their revisions."""

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from service.enums import PressReleaseStatus, QuoteRequestStatus

if TYPE_CHECKING:
    from service.models.accounts import User
    from service.models.achievements import Achievement


class PressRelease(Model):
    id = fields.IntField(primary_key=True)
    # Null for a roundup covering several achievements.
    achievement: fields.ForeignKeyNullableRelation["Achievement"] = fields.ForeignKeyField(
        "models.Achievement", related_name="press_releases", null=True, on_delete=fields.RESTRICT
    )
    achievement_id: int | None
    title = fields.CharField(max_length=300)
    body = fields.TextField()
    status = fields.CharEnumField(PressReleaseStatus, max_length=12, default=PressReleaseStatus.DRAFT, db_index=True)
    version = fields.IntField(default=1)
    template = fields.CharField(max_length=100)
    # Set when the achievement was corrected or its verification withdrawn after drafting.
    needs_review_reason = fields.CharField(max_length=300, null=True)
    roundup_filter: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    created_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="press_releases", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "press_release"
        ordering = ["-id"]
        indexes = (Index(fields=("achievement_id",)),)


class PressReleaseRevision(Model):
    id = fields.IntField(primary_key=True)
    press_release: fields.ForeignKeyRelation["PressRelease"] = fields.ForeignKeyField("models.PressRelease", related_name="revisions", on_delete=fields.CASCADE)
    press_release_id: int
    version = fields.IntField()
    title = fields.CharField(max_length=300)
    body = fields.TextField()
    editor: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField("models.User", related_name="revisions", null=True, on_delete=fields.SET_NULL)
    editor_id: int | None
    # Who wrote the change that replaced this text when it came from outside the office (a quote's speaker).
    signed_by = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "press_release_revision"
        ordering = ["-version"]
        unique_together = (("press_release", "version"),)


class QuoteRequest(Model):
    """A link sent to an institution's head or humas so they type their quote for a draft themselves."""

    id = fields.IntField(primary_key=True)
    press_release: fields.ForeignKeyRelation["PressRelease"] = fields.ForeignKeyField(
        "models.PressRelease", related_name="quote_requests", on_delete=fields.CASCADE
    )
    press_release_id: int
    recipient_name = fields.CharField(max_length=200)
    recipient_position = fields.CharField(max_length=200)
    # SHA-256 of the token in the link; the token itself is never stored.
    token_hash = fields.CharField(max_length=64, unique=True)
    status = fields.CharEnumField(QuoteRequestStatus, max_length=12, default=QuoteRequestStatus.OPEN)
    expires_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    quote_text = fields.TextField(null=True)
    speaker_name = fields.CharField(max_length=200, null=True)
    speaker_position = fields.CharField(max_length=200, null=True)
    created_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="quote_requests", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quote_request"
        indexes = (Index(fields=("press_release_id",)),)
