"""Who is acting: the actor of a request and the institution scope a contributor may act in."""

from __future__ import annotations

from dataclasses import dataclass

from service.enums import Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: Role
    institution_id: int | None = None
    # Materialised path of the contributor's institution ("/1/7/"); its subtree is its scope.
    institution_path: str | None = None
    token_id: int | None = None

    @property
    def is_staff(self) -> bool:
        """ADMIN, VERIFIER and EDITOR see everything."""
        return self.role in (Role.ADMIN, Role.VERIFIER, Role.EDITOR)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def covers_path(self, path: str | None) -> bool:
        """True when an institution with this materialised path lies in the contributor's scope."""
        if self.role != Role.CONTRIBUTOR or not self.institution_path or not path:
            return False
        return path.startswith(self.institution_path)


def can_see_all(actor: Actor | None) -> bool:
    return actor is not None and actor.is_staff
