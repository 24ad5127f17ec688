"""GraphQL inputs of accounts."""

import strawberry

from schema.accounts.types import RoleEnum


@strawberry.input
class CreateUserInput:
    username: str
    password: str
    full_name: str
    role: RoleEnum
    institution_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Required for CONTRIBUTOR.")
    initials: str | None = strawberry.field(
        default=None, description="The byline initials (2–4 capital letters); from fullName when not given."
    )


@strawberry.input(description="What an administrator may correct in an account; a field left out stays as it is.")
class UpdateUserInput:
    full_name: str | None = strawberry.field(default=strawberry.UNSET, description="The name shown and signed.")
    initials: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The byline initials (2–4 capital letters); null or empty: from fullName again. "
                    "Later bylines use them; text already written keeps its byline.",
    )


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.input
class ResetPasswordInput:
    new_password: str
