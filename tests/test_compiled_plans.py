"""The compiled plan of the achievements listing answers exactly what the ordinary execution answers.

Every request is sent to two apps on the same database, one with compiled plans and one without, by
callers of every kind; the bodies must be equal, and the covered shapes must really run on the plan.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from typing import Any

import httpx
import pytest
from graphql import parse

from schema.achievements.compiled import plan_for
from service import demo
from service.config import get_settings, override_settings
from service.enums import Role
from service.models import AchievementPerson, Institution, Kecamatan, Person
from tests.factories import make_user

NODE_FIELDS = ["id", "title", "eventName", "organizer", "level", "rank", "rankLabel", "date", "location",
               "description", "achieverKind", "status", "rejectionReason", "submittedAt", "verifiedAt",
               "createdAt", "updatedAt", "version", "__typename"]
RELATIONS = {
    "category": ["id", "slug", "name", "__typename"],
    "institution": ["id", "name", "kind", "__typename"],
    "kecamatan": ["id", "code", "name", "__typename"],
    "desa": ["id", "code", "name", "isKelurahan", "__typename"],
    "persons": ["id", "name", "publicationConsent", "__typename"],
}

PAGE = """query Page($first: Int, $after: String, $last: Int, $before: String, $filter: AchievementFilter,
  $orderBy: AchievementOrder) {
  achievements(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...Row } }
  }
}
fragment Row on Achievement {
  NODE_FIELDS
  category { id slug name } institution { id name kind } kecamatan { id code name }
  desa { id code name isKelurahan } persons { id name publicationConsent }
}""".replace("NODE_FIELDS", " ".join(NODE_FIELDS))

OTHER_SHAPES = [
    # the bench page and the public listing
    """query($first: Int!, $after: String) { achievements(first: $first, after: $after) { edges { cursor node {
      id title eventName organizer level rank date achieverKind status category { id name }
      institution { id name kind } kecamatan { id code name } desa { id code name } persons { id name } } }
      pageInfo { hasNextPage endCursor } } }""",
    "{ achievements(first: 20) { edges { node { id title date level rank institution { name } kecamatan { name } } } } }",
    # aliases, inline fragments, typenames everywhere
    """{ list: achievements(first: 7, orderBy: {field: LEVEL, direction: ASC}) { __typename n: totalCount
      pageInfo { __typename more: hasNextPage } edges { __typename c: cursor node { __typename ... on Achievement {
      key: id judul: title tingkat: level } kec: kecamatan { ... { nama: name } } orang: persons { nama: name } } } } }""",
]

# Shapes the plan leaves to the ordinary execution.
UNCOVERED = [
    "{ achievements(first: 3) { edges { node { id evidence { id } } } } }",
    "{ achievements(first: 3) { edges { node { persons { nik } } } } }",
    "{ achievements(first: 3) { edges { node { institution { kecamatan { name } } } } } }",
    "query($x: Boolean!) { achievements(first: 3) { edges { node { id title @include(if: $x) } } } }",
    "{ achievements(first: 3) { totalCount } kecamatanList { name } }",
    "{ achievements(first: 3) { edges { node { id } } edges { node { title } } } }",
    "{ achievements(first: 3) { edges { node { ... on Node { id } } } } }",
]


@pytest.fixture
async def apps(db):
    base = get_settings()
    from web.app import create_app

    made = {}
    try:
        for compiled in (True, False):
            override_settings(dataclasses.replace(base, compiled_plans=compiled, response_cache=False))
            made[compiled] = create_app(manage_database=False)
    finally:
        override_settings(base)
    clients = {k: httpx.AsyncClient(transport=httpx.ASGITransport(app=v), base_url="http://testserver")
               for k, v in made.items()}
    yield clients
    for c in clients.values():
        await c.aclose()


@pytest.fixture
async def world(db):
    """The demo data set, and a login for every kind of caller."""
    await demo.seed_demo(160, press_drafts=0)
    # An institution with a person who gave no consent: its own contributor sees the full name.
    link = await AchievementPerson.filter(person__publication_consent=False, person__institution_id__isnull=False,
                                          achievement__status="VERIFIED").order_by("id").first()
    person = await Person.get(id=link.person_id)
    own = await Institution.get(id=person.institution_id)
    other = await Institution.exclude(id=own.id).exclude(path__startswith=own.path).order_by("id").first()
    logins = {
        "anonymous": None,
        "own contributor": await make_user(Role.CONTRIBUTOR, own),
        "other contributor": await make_user(Role.CONTRIBUTOR, other),
        "verifier": await make_user(Role.VERIFIER),
        "admin": await make_user(Role.ADMIN),
    }
    return logins, person


async def both(apps, query: str, variables: dict[str, Any] | None = None, login=None) -> dict[str, Any]:
    headers = login.headers if login else {}
    bodies = {}
    for compiled, client in apps.items():
        r = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        bodies[compiled] = (r.status_code, r.json())
    assert bodies[True] == bodies[False], (query[:80], variables)
    return bodies[True][1]


def covered(query: str) -> bool:
    from web.app import _schema_for

    schema = _schema_for(get_settings())._schema
    return plan_for(schema, query, parse(query), None) is not None


async def test_every_field_the_plan_covers_is_answered_as_the_ordinary_path_does(apps, world, caplog):
    logins, person = world
    assert covered(PAGE) and all(covered(q) for q in OTHER_SHAPES)
    kecamatan = await Kecamatan.get(code="33.03.01")
    variables = [
        {"first": 100},
        {"first": 10, "after": None, "orderBy": {"field": "CREATED_AT", "direction": "ASC"}},
        {"first": 5, "filter": {"status": "VERIFIED", "level": "NASIONAL"}},
        {"last": 6},
        {"first": 0},
        {"filter": {"search": person.name.split()[0]}},
        {"filter": {"kecamatanId": _gid("Kecamatan", kecamatan.id), "dateFrom": "2024-01-01"}},
        {"filter": {"achieverKind": "PERSON"}, "orderBy": {"field": "LEVEL", "direction": "DESC"}},
    ]
    caplog.set_level(logging.WARNING, logger="juara.compiled")
    seen_names: set[str] = set()
    for login in logins.values():
        for v in variables:
            body = await both(apps, PAGE, v, login)
            edges = body["data"]["achievements"]["edges"]
            seen_names |= {p["name"] for e in edges for p in e["node"]["persons"]}
        for query in OTHER_SHAPES:
            await both(apps, query, {"first": 100}, login)
        # Walking the whole list page by page, forwards and backwards, by cursor.
        after, walked = None, 0
        while True:
            page = (await both(apps, PAGE, {"first": 37, "after": after}, login))["data"]["achievements"]
            walked += len(page["edges"])
            seen_names |= {p["name"] for e in page["edges"] for p in e["node"]["persons"]}
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert walked == page["totalCount"]
        await both(apps, PAGE, {"last": 11, "before": page["pageInfo"]["endCursor"]}, login)
    # Both forms of a name without consent were shown (initials to most, the full name to its own).
    assert person.name in seen_names and any(n.endswith(".") for n in seen_names)
    assert not [r for r in caplog.records if r.name == "juara.compiled"]


async def test_random_selections_are_answered_alike(apps, world):
    logins, _ = world
    rng = random.Random(20261129)
    for _ in range(30):
        fields = rng.sample(NODE_FIELDS, rng.randint(1, 6))
        for relation, subfields in RELATIONS.items():
            if rng.random() < 0.5:
                chosen = rng.sample(subfields, rng.randint(1, len(subfields)))
                fields.append(f"{relation} {{ {' '.join(chosen)} }}")
        aliased = [f"a{i}: {f}" if rng.random() < 0.3 else f for i, f in enumerate(fields)]
        query = "query($first: Int, $after: String) { achievements(first: $first, after: $after) { totalCount " \
            f"edges {{ cursor node {{ {' '.join(aliased)} }} }} pageInfo {{ endCursor }} }} }}"
        assert covered(query), query
        login = logins[rng.choice(list(logins))]
        await both(apps, query, {"first": rng.choice([1, 20, 100]), "after": None}, login)


async def test_uncovered_shapes_and_errors_take_the_ordinary_path(apps, world):
    logins, _ = world
    for query in UNCOVERED:
        assert not covered(query), query
        await both(apps, query, {"x": True}, logins["admin"])
    # Errors are reported in the ordinary path's words.
    bad = [
        ({"first": 101}, "BAD_USER_INPUT"),
        ({"first": 5, "after": "bukan-kursor"}, "BAD_USER_INPUT"),
        ({"filter": {"kecamatanId": _gid("Desa", 1)}}, "INVALID"),
        ({"first": "lima"}, "BAD_USER_INPUT"),
    ]
    for variables, code in bad:
        body = await both(apps, PAGE, variables)
        assert body["errors"][0]["extensions"]["code"] == code
    # A bad token is refused on both paths alike.
    for client in apps.values():
        client.headers["authorization"] = "Bearer salah"
    body = await both(apps, PAGE, {"first": 3})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _gid(type_name: str, pk: int) -> str:
    import base64

    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()
