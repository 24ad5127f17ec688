"""Errors the domain raises; the API layer turns them into UserErrors or top-level error codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class UserErrorCode(StrEnum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    TOO_LARGE = "TOO_LARGE"
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: the field (None = the whole input), a code, an Indonesian sentence."""

    field: str | None
    code: UserErrorCode
    message: str


class DomainError(Exception):
    """Base of every error the project raises on purpose."""


class UserInputError(DomainError):
    """The input or the workflow state does not allow the change; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    @classmethod
    def one(cls, field: str | None, code: UserErrorCode, message: str) -> UserInputError:
        return cls(Problem(field, code, message))


class NotAuthenticated(DomainError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Anda harus masuk (login) terlebih dahulu."):
        super().__init__(message)


class Forbidden(DomainError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "Anda tidak berwenang melakukan tindakan ini."):
        super().__init__(message)


class Problems:
    """Collects problems while validating, then raises them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, field: str | None, code: UserErrorCode, message: str) -> None:
        self.items.append(Problem(field, code, message))

    def has(self, field: str) -> bool:
        return any(p.field == field for p in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise UserInputError(self.items)
