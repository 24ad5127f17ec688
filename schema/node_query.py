"""`node(id:)`: fetch any object by its global ID, as visible to the caller."""

from __future__ import annotations

import strawberry

from schema.ids import decode_any
from schema.node import Node
from schema.permissions import GATE
from service import achievements, directory, press
from service.models import Category, Desa, Evidence, Institution, Kecamatan, User


async def resolve_node(info: strawberry.Info, global_id: str) -> Node | None:
    from schema.accounts.types import UserType
    from schema.achievements.types import AchievementType, EvidenceType
    from schema.directory.types import CategoryType, InstitutionType, PersonType
    from schema.press.types import PressReleaseType
    from schema.regions.types import DesaType, KecamatanType

    decoded = decode_any(global_id)
    if decoded is None:
        return None
    type_name, pk = decoded
    actor = info.context.actor
    if type_name == "Kecamatan":
        kecamatan = await Kecamatan.filter(id=pk).first()
        return KecamatanType.from_row(kecamatan) if kecamatan else None
    if type_name == "Desa":
        desa = await Desa.filter(id=pk).first()
        return DesaType.from_row(desa) if desa else None
    if type_name == "Category":
        category = await Category.filter(id=pk).first()
        return CategoryType.from_row(category) if category else None
    if type_name == "Institution":
        institution = await Institution.filter(id=pk).first()
        return InstitutionType.from_row(institution) if institution else None
    if type_name == "Person":
        person = await directory.visible_person(actor, pk)
        return PersonType.from_row(person) if person else None
    if type_name == "Achievement":
        achievement = await achievements.get_visible(actor, pk)
        return AchievementType.from_row(achievement) if achievement else None
    if type_name == "Evidence":
        ev = await Evidence.filter(id=pk).first()
        if ev is None or await achievements.get_visible(actor, ev.achievement_id) is None:
            return None
        return EvidenceType.from_row(ev)
    if type_name == "PressRelease":
        release = await press.visible_releases(actor).filter(id=pk).first()
        return PressReleaseType.from_row(release) if release else None
    if type_name == "QuoteRequest":
        from schema.press.types import QuoteRequestType
        from service.models import QuoteRequest

        if actor is None or not actor.can_see_everything:
            return None
        quote_request = await QuoteRequest.filter(id=pk).first()
        return QuoteRequestType.from_row(quote_request) if quote_request else None
    if type_name == "ImportJob":
        from schema.imports.types import ImportJobType
        from service.imports import jobs

        job = await jobs.get_job(actor, pk)
        return ImportJobType.from_row(job) if job else None
    if type_name == "User":
        if actor is None or (not actor.can_manage and actor.user_id != pk):
            return None
        user = await User.filter(id=pk).first()
        return UserType.from_row(user) if user else None
    return None


@strawberry.type
class NodeQueries:
    @strawberry.field(permission_classes=GATE, description="Any object by its global ID; null when absent or hidden.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:  # noqa: A002 - contract name
        return await resolve_node(info, id)
