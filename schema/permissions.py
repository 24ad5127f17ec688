"""The permission matrix: for every root field, the capability (service.security) its callers need."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from service.enums import Role
from service.errors import Forbidden, NotAuthenticated
from service.security import Actor, Capability, role_can

ANONYMOUS = "ANONYMOUS"
EVERYONE = None  # anonymous callers too
SIGNED_IN = Capability.SIGN_IN
MANAGE = Capability.MANAGE
VERIFY = Capability.VERIFY
EDIT_PRESS = Capability.EDIT_PRESS
CONTRIBUTE = Capability.CONTRIBUTE

# What a caller needs for each root field. Finer rules (a contributor's own institutions, what a caller may
# see) live in service/ and apply on top of this table.
FIELD_CAPABILITY: dict[str, Capability | None] = {
    # queries
    "Query.node": EVERYONE,
    "Query.me": EVERYONE,
    "Query.kecamatanList": EVERYONE,
    "Query.categories": EVERYONE,
    "Query.institutions": EVERYONE,
    "Query.achievements": EVERYONE,
    "Query.pressReleases": EVERYONE,
    "Query.stats": EVERYONE,
    "Query.users": MANAGE,
    "Query.auditEvents": MANAGE,
    "Query.pointsTable": EVERYONE,
    "Query.persons": SIGNED_IN,
    "Query.importJob": CONTRIBUTE,
    "Query.myImportJobs": CONTRIBUTE,
    # mutations
    "Mutation.login": EVERYONE,
    "Mutation.logout": SIGNED_IN,
    "Mutation.changePassword": SIGNED_IN,
    "Mutation.createUser": MANAGE,
    "Mutation.updateUser": MANAGE,
    "Mutation.setUserActive": MANAGE,
    "Mutation.resetUserPassword": MANAGE,
    "Mutation.createInstitution": MANAGE,
    "Mutation.createCategory": MANAGE,
    "Mutation.createPerson": CONTRIBUTE,
    "Mutation.updatePerson": CONTRIBUTE,
    "Mutation.erasePerson": MANAGE,
    "Mutation.createAchievement": CONTRIBUTE,
    "Mutation.updateAchievement": CONTRIBUTE,
    "Mutation.submitAchievement": CONTRIBUTE,
    "Mutation.verifyAchievement": VERIFY,
    "Mutation.rejectAchievement": VERIFY,
    "Mutation.withdrawVerification": VERIFY,
    "Mutation.generatePressRelease": EDIT_PRESS,
    "Mutation.updatePressRelease": EDIT_PRESS,
    "Mutation.setPressReleaseStatus": EDIT_PRESS,
    "Mutation.generateRoundup": EDIT_PRESS,
    "Mutation.requestQuote": EDIT_PRESS,
    "Mutation.submitQuote": EVERYONE,
    "Mutation.updatePointsTable": MANAGE,
    "Mutation.importAchievements": CONTRIBUTE,
    "Mutation.startImportJob": CONTRIBUTE,
    "Mutation.uploadEvidence": CONTRIBUTE,
    "Mutation.removeEvidence": CONTRIBUTE,
}


def role_allowed(key: str, role: Role | None) -> bool:
    """Whether a caller of this role (None: anonymous) may call the field; unknown fields are closed."""
    if key not in FIELD_CAPABILITY:
        return False
    needed = FIELD_CAPABILITY[key]
    return needed is None or (role is not None and role_can(role, needed))


class RoleGate(BasePermission):
    """Checks the matrix for the root field being resolved; unknown fields are closed."""

    message = "Anda tidak berwenang melakukan tindakan ini."

    @staticmethod
    def admit(key: str, context: Any) -> None:
        """Raise NotAuthenticated or Forbidden unless the request's caller may call the field `key`.

        The ordinary path calls it for every root field it resolves; the compiled plans call the same
        function for the field they answer."""
        if context.bad_credentials:
            raise NotAuthenticated("Token tidak valid atau sudah kedaluwarsa. Silakan masuk kembali.")
        actor: Actor | None = context.actor
        if role_allowed(key, actor.role if actor else None):
            return
        if actor is None:
            raise NotAuthenticated()
        raise Forbidden()

    def has_permission(self, source: Any, info, **kwargs: Any) -> bool:
        self.admit(f"{info._raw_info.parent_type.name}.{info.field_name}", info.context)
        return True


GATE: list[type[BasePermission]] = [RoleGate]
