"""Account mutations: login, logout, users."""

from typing import Any

import strawberry

from schema.accounts.inputs import ChangePasswordInput, CreateUserInput, ResetPasswordInput, UpdateUserInput
from schema.accounts.types import ChangePasswordPayload, LoginPayload, UserPayload, UserType
from schema.errors import run_mutation, user_errors
from schema.ids import decode_id
from schema.permissions import GATE
from service import accounts
from service.enums import Role
from service.errors import UserInputError


def client_ip(info: strawberry.Info) -> str | None:
    request = info.context.request
    client = getattr(request, "client", None)
    return client.host if client else None


@strawberry.type
class AccountMutations:
    @strawberry.mutation(permission_classes=GATE, description="Exchange a username and password for a bearer token.")
    async def login(self, info: strawberry.Info, username: str, password: str) -> LoginPayload:
        try:
            token, user = await accounts.login(username, password, client_ip(info))
        except UserInputError as exc:
            return LoginPayload(token=None, user=None, errors=user_errors(exc))
        return LoginPayload(token=token, user=UserType.from_row(user), errors=[])

    @strawberry.mutation(permission_classes=GATE, description="Revoke the token used for this request.")
    async def logout(self, info: strawberry.Info) -> bool:
        return await accounts.logout(info.context.actor)

    @strawberry.mutation(permission_classes=GATE, description="Change one's password; every token is revoked.")
    async def change_password(self, info: strawberry.Info, input: ChangePasswordInput) -> ChangePasswordPayload:  # noqa: A002
        _, errors = await run_mutation(
            info, lambda: accounts.change_password(info.context.actor, input.current_password, input.new_password)
        )
        return ChangePasswordPayload(ok=not errors, errors=errors)

    @strawberry.mutation(permission_classes=GATE)
    async def create_user(self, info: strawberry.Info, input: CreateUserInput) -> UserPayload:  # noqa: A002
        async def call():
            return await accounts.create_user(
                info.context.actor, username=input.username, password=input.password, full_name=input.full_name,
                role=Role(input.role), institution_id=decode_id(input.institution_id, "Institution", "institutionId"),
                initials=input.initials,
            )

        user, errors = await run_mutation(info, call)
        return UserPayload(user=UserType.from_row(user) if user else None, errors=errors)

    @strawberry.mutation(permission_classes=GATE, description="Correct an account's full name or byline "
                         "initials (ADMIN); role and institution are fixed at creation.")
    async def update_user(self, info: strawberry.Info, id: strawberry.ID,  # noqa: A002
                          input: UpdateUserInput) -> UserPayload:  # noqa: A002
        changes: dict[str, Any] = {}
        if input.full_name is not strawberry.UNSET:
            changes["full_name"] = input.full_name
        if input.initials is not strawberry.UNSET:
            changes["initials"] = input.initials

        async def call():
            return await accounts.update_user(info.context.actor, decode_id(id, "User", "id"), **changes)

        user, errors = await run_mutation(info, call)
        return UserPayload(user=UserType.from_row(user) if user else None, errors=errors)

    @strawberry.mutation(permission_classes=GATE, description="Activate or deactivate an account (ADMIN); "
                         "deactivation revokes its tokens at once.")
    async def set_user_active(self, info: strawberry.Info, id: strawberry.ID, active: bool) -> UserPayload:  # noqa: A002
        async def call():
            return await accounts.set_user_active(info.context.actor, decode_id(id, "User", "id"), active)

        user, errors = await run_mutation(info, call)
        return UserPayload(user=UserType.from_row(user) if user else None, errors=errors)

    @strawberry.mutation(permission_classes=GATE, description="Set a new password for an account (ADMIN), "
                         "e.g. when it was forgotten; its sessions end.")
    async def reset_user_password(self, info: strawberry.Info, id: strawberry.ID,  # noqa: A002
                                  input: ResetPasswordInput) -> UserPayload:  # noqa: A002
        async def call():
            return await accounts.reset_password(info.context.actor, decode_id(id, "User", "id"), input.new_password)

        user, errors = await run_mutation(info, call)
        return UserPayload(user=UserType.from_row(user) if user else None, errors=errors)
