"""Who is acting: the actor of a request, what its role lets it do, and the institution scope of a contributor."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from service.enums import Role


class Capability(enum.Enum):
    """What a role lets an account do; every check of a role asks for one of these."""

    SIGN_IN = "SIGN_IN"                # any active account: log out, change its password
    CONTRIBUTE = "CONTRIBUTE"          # enter, change and submit achievements, persons, evidence, imports
    VERIFY = "VERIFY"                  # verify, reject, withdraw a verification
    EDIT_PRESS = "EDIT_PRESS"          # draft, edit and publish press releases and roundups
    MANAGE = "MANAGE"                  # accounts, institutions, categories, the points table, the audit log
    SEE_EVERYTHING = "SEE_EVERYTHING"  # every status, every institution, private fields


# The one table from roles to capabilities.
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.VERIFIER: frozenset({Capability.SIGN_IN, Capability.VERIFY, Capability.SEE_EVERYTHING}),
    Role.EDITOR: frozenset({Capability.SIGN_IN, Capability.EDIT_PRESS, Capability.SEE_EVERYTHING}),
    Role.CONTRIBUTOR: frozenset({Capability.SIGN_IN, Capability.CONTRIBUTE}),
}


def role_can(role: Role, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES[role]


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: Role
    institution_id: int | None = None
    # Materialised path of the contributor's institution ("/1/7/"); its subtree is its scope.
    institution_path: str | None = None
    token_id: int | None = None

    def can(self, capability: Capability) -> bool:
        return role_can(self.role, capability)

    @property
    def can_contribute(self) -> bool:
        return self.can(Capability.CONTRIBUTE)

    @property
    def can_verify(self) -> bool:
        return self.can(Capability.VERIFY)

    @property
    def can_edit_press(self) -> bool:
        return self.can(Capability.EDIT_PRESS)

    @property
    def can_manage(self) -> bool:
        """ADMIN: accounts, reference data, the points table, and edits past the usual status rules."""
        return self.can(Capability.MANAGE)

    @property
    def can_see_everything(self) -> bool:
        """ADMIN, VERIFIER and EDITOR see every status, every institution and private fields."""
        return self.can(Capability.SEE_EVERYTHING)

    def covers_path(self, path: str | None) -> bool:
        """True when an institution with this materialised path lies in the contributor's scope."""
        if self.role != Role.CONTRIBUTOR or not self.institution_path or not path:
            return False
        return path.startswith(self.institution_path)
