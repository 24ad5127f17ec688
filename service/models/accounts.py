"""Accounts: users, their bearer tokens (only hashes stored), and login throttling counters."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from service.enums import Role

if TYPE_CHECKING:
    from service.models.institutions import Institution


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    full_name = fields.CharField(max_length=200)
    # The byline "(ABC/Kominfo)"; null means the initials follow from full_name (`byline_initials`).
    initials_override = fields.CharField(max_length=4, null=True, source_field="initials")
    role = fields.CharEnumField(Role, max_length=12)
    institution: fields.ForeignKeyNullableRelation["Institution"] = fields.ForeignKeyField(
        "models.Institution", related_name="users", null=True, on_delete=fields.RESTRICT
    )
    institution_id: int | None
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    password_changed_at = fields.DatetimeField(null=True)

    @property
    def initials(self) -> str:
        """The byline initials: as set, else from the full name ('Lalang Pradistia Utama' -> 'LPU')."""
        if self.initials_override:
            return self.initials_override
        from service.initials import byline_initials

        return byline_initials(self.full_name)

    class Meta:
        table = "app_user"
        ordering = ["username"]


class AuthToken(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField("models.User", related_name="tokens", on_delete=fields.CASCADE)
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_token"


class LoginThrottle(Model):
    """Failed-login counter for one key ("user:<name>" or "ip:<address>"), shared by every worker."""

    key = fields.CharField(max_length=200, primary_key=True)
    failures = fields.IntField(default=0)
    window_start = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "login_throttle"
