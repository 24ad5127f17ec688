"""The permission matrix: for every root field, which callers may use it. One table, checked by tests."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from service.enums import Role
from service.errors import Forbidden, NotAuthenticated

ANONYMOUS = "ANONYMOUS"
EVERYONE = frozenset({ANONYMOUS, *Role})
SIGNED_IN = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
STAFF = frozenset({Role.ADMIN, Role.VERIFIER, Role.EDITOR})
VERIFIERS = frozenset({Role.ADMIN, Role.VERIFIER})
EDITORS = frozenset({Role.ADMIN, Role.EDITOR})
CONTRIBUTORS = frozenset({Role.ADMIN, Role.CONTRIBUTOR})

# Who may call each root field. Finer rules (a contributor's own institutions, what a caller may see)
# live in service/ and apply on top of this table.
FIELD_ROLES: dict[str, frozenset[str]] = {
    # queries
    "Query.node": EVERYONE,
    "Query.me": EVERYONE,
    "Query.kecamatanList": EVERYONE,
    "Query.categories": EVERYONE,
    "Query.institutions": EVERYONE,
    "Query.achievements": EVERYONE,
    "Query.pressReleases": EVERYONE,
    "Query.stats": EVERYONE,
    "Query.users": ADMIN,
    "Query.auditEvents": ADMIN,
    "Query.pointsTable": EVERYONE,
    # mutations
    "Mutation.login": EVERYONE,
    "Mutation.logout": SIGNED_IN,
    "Mutation.changePassword": SIGNED_IN,
    "Mutation.createUser": ADMIN,
    "Mutation.setUserActive": ADMIN,
    "Mutation.createInstitution": ADMIN,
    "Mutation.createCategory": ADMIN,
    "Mutation.createPerson": CONTRIBUTORS,
    "Mutation.createAchievement": CONTRIBUTORS,
    "Mutation.updateAchievement": CONTRIBUTORS,
    "Mutation.submitAchievement": CONTRIBUTORS,
    "Mutation.verifyAchievement": VERIFIERS,
    "Mutation.rejectAchievement": VERIFIERS,
    "Mutation.withdrawVerification": VERIFIERS,
    "Mutation.generatePressRelease": EDITORS,
    "Mutation.updatePressRelease": EDITORS,
    "Mutation.setPressReleaseStatus": EDITORS,
    "Mutation.generateRoundup": EDITORS,
    "Mutation.requestQuote": EDITORS,
    "Mutation.submitQuote": EVERYONE,
    "Mutation.updatePointsTable": ADMIN,
    "Mutation.importAchievements": CONTRIBUTORS,
    "Mutation.uploadEvidence": CONTRIBUTORS,
    "Mutation.removeEvidence": CONTRIBUTORS,
}


def allowed(key: str, role: str) -> bool:
    return role in FIELD_ROLES.get(key, frozenset())


class RoleGate(BasePermission):
    """Checks the matrix for the root field being resolved; unknown fields are closed."""

    message = "Anda tidak berwenang melakukan tindakan ini."

    def has_permission(self, source: Any, info, **kwargs: Any) -> bool:
        ctx = info.context
        if ctx.bad_credentials:
            raise NotAuthenticated("Token tidak valid atau sudah kedaluwarsa. Silakan masuk kembali.")
        key = f"{info._raw_info.parent_type.name}.{info.field_name}"
        roles = FIELD_ROLES.get(key, frozenset())
        actor = ctx.actor
        role = actor.role.value if actor else ANONYMOUS
        if role in roles:
            return True
        if actor is None:
            raise NotAuthenticated()
        raise Forbidden()


GATE = [RoleGate]
