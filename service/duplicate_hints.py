"""What a caller reads of the duplicate hints: the likely duplicates of the achievements it may see, and the
rejection reason pointing to the original. The scan that stores the hints is service/duplicates.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.achievements import get_visible, visible_achievements
from service.duplicates import MAX_HINTS_PER_ACHIEVEMENT, REASON_LABEL, DuplicateReason, rank_key
from service.errors import UserErrorCode, UserInputError
from service.models import Achievement, DuplicateHint
from service.security import Actor
from service.text import clean


@dataclass(frozen=True)
class PossibleDuplicate:
    achievement_id: int
    reason: DuplicateReason
    score: int

    @property
    def explanation(self) -> str:
        return REASON_LABEL[self.reason]


async def possible_duplicates(actor: Actor | None, achievement_ids: Sequence[int]) -> dict[int, list[PossibleDuplicate]]:
    """The likely duplicates of each achievement, for staff and the achievement's own institution only;
    each listed achievement is one the caller may see. Strongest first."""
    out: dict[int, list[PossibleDuplicate]] = {k: [] for k in achievement_ids}
    if actor is None or not achievement_ids:
        return out
    keys = sorted(set(achievement_ids))
    if actor.can_see_everything:
        allowed = set(keys)
    else:
        rows = await Achievement.filter(id__in=keys).values_list("id", "institution__path")
        allowed = {aid for aid, path in rows if actor.covers_path(path)}
    if not allowed:
        return out
    pairs: dict[int, dict[int, PossibleDuplicate]] = defaultdict(dict)
    hints = await DuplicateHint.filter(achievement_id__in=list(allowed)).values_list(
        "achievement_id", "original_id", "reason", "score"
    )
    hints += await DuplicateHint.filter(original_id__in=list(allowed)).values_list(
        "original_id", "achievement_id", "reason", "score"
    )
    others = {o for _, o, _, _ in hints}
    visible = set(await visible_achievements(actor).filter(id__in=list(others)).values_list("id", flat=True)) if others else set()
    for subject, other, reason, score in hints:
        if other not in visible:
            continue
        candidate = PossibleDuplicate(other, DuplicateReason(reason), score)
        current = pairs[subject].get(other)
        if current is None or rank_key(candidate.reason, candidate.score, 0) < rank_key(current.reason, current.score, 0):
            pairs[subject][other] = candidate
    for subject, found in pairs.items():
        # The same bound as when the hints were found: an achievement another one chose among its
        # strongest may be listed for many; each shows its own strongest few.
        out[subject] = sorted(found.values(), key=lambda d: rank_key(d.reason, d.score, d.achievement_id))[
            :MAX_HINTS_PER_ACHIEVEMENT]
    return out


async def duplicate_rejection_reason(actor: Actor, achievement_id: int, original_id: int, reason: str | None) -> str:
    """The rejection reason of a duplicate, pointing to the original the verifier chose."""
    if original_id == achievement_id:
        raise UserInputError.one("duplicateOf", UserErrorCode.INVALID, "Prestasi tidak dapat menjadi duplikat dirinya sendiri.")
    original = await get_visible(actor, original_id)
    if original is None:
        raise UserInputError.one("duplicateOf", UserErrorCode.NOT_FOUND, "Prestasi asli tidak ditemukan.")
    pointer = (
        f"Duplikat dari prestasi #{original.id} \u201c{original.title}\u201d "
        f"({original.date.strftime('%d/%m/%Y')})."
    )
    extra = clean(reason)
    return f"{pointer} {extra}" if extra else pointer
