"""The persons an actor may pick: nobody for a caller without a scope, an empty list rather than an error."""

from service import directory
from service.enums import Role
from service.security import Actor
from tests.factories import make_institution, make_person


async def test_registry_of_a_caller_without_scope_is_empty_not_an_error(db):
    school = await make_institution("SD Negeri 1 Kalimanah")
    await make_person(school, "Rina Kusuma")
    assert await directory.person_registry(None) == []
    contributor = Actor(user_id=1, username="tanpa-instansi", role=Role.CONTRIBUTOR)
    assert await directory.person_registry(contributor) == []
    own = Actor(user_id=2, username="operator", role=Role.CONTRIBUTOR, institution_id=school.id,
                institution_path=school.path)
    assert [p.name for p in await directory.person_registry(own)] == ["Rina Kusuma"]
