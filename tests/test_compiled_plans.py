"""The compiled plan of the achievements listing answers exactly what the ordinary execution answers.

Every request is sent to two apps on the same database, one with compiled plans and one without, by
callers of every kind; the bodies must be equal, and the covered shapes must really run on the plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import random
from typing import Any

import httpx
import pytest
from graphql import get_named_type, is_leaf_type, is_required_argument, parse
from strawberry.annotation import StrawberryAnnotation
from strawberry.permission import BasePermission
from strawberry.types.field import StrawberryField

from schema.achievements.compiled import plan_for
from service import demo
from service.config import get_settings, override_settings
from service.enums import Role
from service.errors import Forbidden
from service.models import AchievementPerson, Institution, Kecamatan, Person
from tests.factories import make_user


def _live_schema():
    from web.app import _schema_for

    return _schema_for(get_settings())._schema


def _leaves(type_name: str) -> list[str]:
    """The fields of a type that need no arguments and hold a value, and `__typename`: read from the schema."""
    gtype = _live_schema().get_type(type_name)
    return [name for name, f in gtype.fields.items()
            if is_leaf_type(get_named_type(f.type)) and not any(is_required_argument(a) for a in f.args.values())
            ] + ["__typename"]


def _objects(type_name: str) -> dict[str, str]:
    """The fields of a type leading to another object type, and that type's name."""
    gtype = _live_schema().get_type(type_name)
    return {name: get_named_type(f.type).name for name, f in gtype.fields.items()
            if not is_leaf_type(get_named_type(f.type)) and not any(is_required_argument(a) for a in f.args.values())}


def _one(selection: str, first: int = 100) -> str:
    return f"{{ achievements(first: {first}) {{ edges {{ node {{ {selection} }} }} }} }}"


def covered(query: str) -> bool:
    return plan_for(_live_schema(), query, parse(query), None) is not None


@functools.cache
def _split() -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Every selection of one Achievement field (a value, or a related object's value or object), from the
    schema: the node fields and relation fields the plan answers, and every selection it leaves alone. A
    field added tomorrow lands in one list or the other and is compared on both paths either way."""
    node_fields, relations, uncovered = [], {}, []
    for name in _leaves("Achievement"):
        (node_fields if covered(_one(name)) else uncovered).append(name)
    for name, target in _objects("Achievement").items():
        chosen = []
        for leaf in _leaves(target):
            if covered(_one(f"{name} {{ {leaf} }}")):
                chosen.append(leaf)
            else:
                uncovered.append(f"{name} {{ {leaf} }}")
        for inner, inner_target in _objects(target).items():
            uncovered.append(f"{name} {{ {inner} {{ {_leaves(inner_target)[0]} }} }}")
        if chosen:
            relations[name] = chosen
        else:
            uncovered.append(f"{name} {{ {' '.join(_leaves(target))} }}")
    return node_fields, relations, uncovered


# (Derived once the models are initialised: compiling a plan reads their columns.)

def page_query() -> str:
    node_fields, relations, _ = _split()
    return """query Page($first: Int, $after: String, $last: Int, $before: String, $filter: AchievementFilter,
  $orderBy: AchievementOrder) {
  achievements(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...Row } }
  }
}
fragment Row on Achievement {
  NODE_FIELDS
}""".replace("NODE_FIELDS", " ".join(node_fields) + " " + " ".join(
        f"{name} {{ {' '.join(leaves)} }}" for name, leaves in relations.items()))


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
    # A pupil who consented alone: a minor's name is public only with a guardian's consent.
    pupil_link = await AchievementPerson.filter(person__publication_consent=True, achievement__status="VERIFIED",
                                                person_id__not=person.id).order_by("id").first()
    await Person.filter(id=pupil_link.person_id).update(
        role="SISWA", birth_date=dt.date.today() - dt.timedelta(days=365 * 12), consent_given_by="SELF")
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


async def test_every_field_the_plan_covers_is_answered_as_the_ordinary_path_does(apps, world, caplog):
    logins, person = world
    node_fields, relations, _ = _split()
    # The derivation is not empty: the fields the listing pages ask for are all answered by the plan.
    assert {"id", "title", "level", "rank", "date", "status"} <= set(node_fields), node_fields
    assert {"category", "institution", "kecamatan", "desa", "persons"} <= set(relations), relations
    assert "name" in relations["persons"]
    page_doc = page_query()
    assert covered(page_doc) and all(covered(q) for q in OTHER_SHAPES)
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
            body = await both(apps, page_doc, v, login)
            edges = body["data"]["achievements"]["edges"]
            seen_names |= {p["name"] for e in edges for p in e["node"]["persons"]}
        for query in OTHER_SHAPES:
            await both(apps, query, {"first": 100}, login)
        # Walking the whole list page by page, forwards and backwards, by cursor.
        after, walked = None, 0
        while True:
            page = (await both(apps, page_doc, {"first": 37, "after": after}, login))["data"]["achievements"]
            walked += len(page["edges"])
            seen_names |= {p["name"] for e in page["edges"] for p in e["node"]["persons"]}
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert walked == page["totalCount"]
        await both(apps, page_doc, {"last": 11, "before": page["pageInfo"]["endCursor"]}, login)
    # Both forms of a name without consent were shown (initials to most, the full name to its own).
    assert person.name in seen_names and any(n.endswith(".") for n in seen_names)
    assert not [r for r in caplog.records if r.name == "juara.compiled"]


async def test_random_selections_are_answered_alike(apps, world):
    logins, _ = world
    NODE_FIELDS, RELATIONS, _ = _split()
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
    # Every selection of the schema the plan leaves alone, for every kind of caller.
    for selection in _split()[2]:
        assert not covered(_one(selection)), selection
        for caller in ("anonymous", "own contributor", "admin"):
            await both(apps, _one(selection, 25), None, logins[caller])
    # Errors are reported in the ordinary path's words.
    bad = [
        ({"first": 101}, "BAD_USER_INPUT"),
        ({"first": 5, "after": "bukan-kursor"}, "BAD_USER_INPUT"),
        ({"filter": {"kecamatanId": _gid("Desa", 1)}}, "INVALID"),
        ({"first": "lima"}, "BAD_USER_INPUT"),
    ]
    for variables, code in bad:
        body = await both(apps, page_query(), variables)
        assert body["errors"][0]["extensions"]["code"] == code
    # A bad token is refused on both paths alike.
    for client in apps.values():
        client.headers["authorization"] = "Bearer salah"
    body = await both(apps, page_query(), {"first": 3})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _gid(type_name: str, pk: int) -> str:
    from schema.ids import encode_id

    return encode_id(type_name, pk)


class _Deny(BasePermission):
    """Refuses everyone, as the project's gates refuse: with a FORBIDDEN error."""

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        raise Forbidden("Tidak boleh.")


def _guarded_schema(settings):
    """The app's schema with one more Achievement field: the title again, behind a permission that refuses
    everyone, with no resolver of its own (the kind of field the plan once answered without its guard)."""
    from schema.achievements.types import AchievementType
    from schema.limits import abuse_extensions
    from schema.schema import build_schema

    definition = AchievementType.__strawberry_definition__
    guarded = StrawberryField(python_name="title", graphql_name="guardedTitle", default=None,
                              type_annotation=StrawberryAnnotation(str | None), permission_classes=[_Deny])
    guarded.origin = AchievementType
    saved = definition.fields
    definition.fields = [*saved, guarded]
    try:
        return build_schema(extensions=abuse_extensions(settings))
    finally:
        definition.fields = saved


async def test_a_guarded_field_makes_the_plan_step_aside(db, world, monkeypatch):
    import web.app

    logins, _ = world
    base = get_settings()
    monkeypatch.setattr(web.app, "_schema_for", _guarded_schema)
    made = {}
    try:
        for compiled in (True, False):
            override_settings(dataclasses.replace(base, compiled_plans=compiled, response_cache=False))
            made[compiled] = web.app.create_app(manage_database=False)
    finally:
        override_settings(base)
    clients = {k: httpx.AsyncClient(transport=httpx.ASGITransport(app=v), base_url="http://testserver")
               for k, v in made.items()}
    schema = _guarded_schema(base)._schema
    query = "{ achievements(first: 5) { edges { node { id title guardedTitle } } } }"
    assert plan_for(schema, query, parse(query), None) is None
    assert plan_for(schema, _one("id title"), parse(_one("id title")), None) is not None  # the rest still runs
    try:
        for login in (None, logins["admin"]):
            body = await both(clients, query, None, login)
            nodes = [e["node"] for e in body["data"]["achievements"]["edges"]]
            assert nodes and all(n["guardedTitle"] is None and n["title"] for n in nodes)
            assert {(e["message"], e["extensions"]["code"]) for e in body["errors"]} == {("Tidak boleh.", "FORBIDDEN")}
            assert len(body["errors"]) == len(nodes)
    finally:
        for c in clients.values():
            await c.aclose()


async def test_a_query_answered_from_its_plan_once_skips_the_pipeline_after(apps, world, monkeypatch):
    """The second time a worker sees a document it answered from its plan, the view hands it to the plan
    directly; the bytes are those of the first answer and of the ordinary execution, and what the plan
    leaves alone (a refused caller, bad variables, a batch, another shape of request) is answered as before,
    with the caller authenticated once."""
    import web.graphql
    from schema.achievements import compiled

    logins, _ = world
    pipeline, authentications = [], []
    run, authenticate = web.graphql.JuaraGraphQL.run, web.graphql.accounts.authenticate

    async def counted_run(self, request, *args, **kwargs):
        pipeline.append(1)
        return await run(self, request, *args, **kwargs)

    async def counted_authenticate(token):
        authentications.append(token)
        return await authenticate(token)

    monkeypatch.setattr(web.graphql.JuaraGraphQL, "run", counted_run)
    monkeypatch.setattr(web.graphql.accounts, "authenticate", counted_authenticate)
    compiled._validated.clear()

    async def post(body: Any, login=None, app=True, **headers: str) -> httpx.Response:
        pipeline.clear()
        authentications.clear()
        if login:
            headers = {**login.headers, **headers}
        return await apps[app].post("/graphql", content=json.dumps(body), headers={
            "content-type": "application/json", **headers})

    query = page_query()
    for caller in ("anonymous", "own contributor", "admin"):
        body = {"query": query, "variables": {"first": 30}}
        first = await post(body, logins[caller])
        assert pipeline == ([1] if caller == "anonymous" else [])  # the text is known after the first answer
        again = await post(body, logins[caller])
        assert pipeline == [] and again.status_code == 200
        assert len(authentications) == (0 if caller == "anonymous" else 1)
        ordinary = await post(body, logins[caller], app=False)
        assert again.content == first.content == ordinary.content
        assert again.headers["content-type"] == ordinary.headers["content-type"]
        assert "errors" not in again.json() and len(again.json()["data"]["achievements"]["edges"]) == 30
    # What the plan leaves to the ordinary path, once the document is known: the same answer as without plans.
    known = {"query": query, "variables": {"first": 5}}
    cases = [
        ({**known, "variables": {"first": 101}}, {}, None),
        ({**known, "variables": {"first": "lima"}}, {}, None),
        ({**known, "variables": {"first": 5, "after": "bukan-kursor"}}, {}, None),
        ({**known, "variables": [1]}, {}, None),
        ({**known, "extensions": {}}, {}, None),
        ([known, known], {}, None),
        (known, {"authorization": "Bearer salah"}, None),
        (known, {"content-type": "application/graphql"}, None),
    ]
    for body, headers, login in cases:
        plain = await post(body, login, app=False, **headers)
        answered = await post(body, login, **headers)
        assert (answered.status_code, _without_request_ids(answered.json())) == \
            (plain.status_code, _without_request_ids(plain.json())), body
        assert pipeline == [1], body
        assert len(authentications) <= 1
    refused = await post({"query": query, "variables": {"first": 5}}, None, authorization="Bearer salah")
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert authentications == ["salah"] and pipeline == [1]


def _without_request_ids(body: Any) -> Any:
    """A response body without the per-request ids of its errors."""
    if isinstance(body, list):
        return [_without_request_ids(b) for b in body]
    for error in body.get("errors") or ():
        (error.get("extensions") or {}).pop("requestId", None)
    return body


async def test_a_page_read_by_the_statement_an_earlier_request_built_is_the_ordinary_answer(apps, world, monkeypatch):
    """A forward page's statement of ids is built once per caller's visibility and arguments and read again
    as it is: the rows are read afresh every time (a change shows at once), callers who see different rows
    never share one, and a category filter, whose SQL holds the category's descendants, is built every time."""
    from schema.achievements import compiled
    from service import achievements as achievements_service
    from service.models import Achievement, Category

    logins, _ = world
    built: list[tuple[Any, ...]] = []
    filtered = achievements_service.filtered_achievements

    async def counted(actor, flt, *order):
        built.append((actor.user_id if actor else None, flt))
        return await filtered(actor, flt, *order)

    monkeypatch.setattr(achievements_service, "filtered_achievements", counted)
    compiled._ids_statements.clear()
    query = "query($first: Int, $after: String, $filter: AchievementFilter) { achievements(first: $first, " \
        "after: $after, filter: $filter) { pageInfo { hasNextPage endCursor } edges { node { id title status } } } }"
    counted_query = query.replace("pageInfo {", "totalCount pageInfo {")

    async def ask(variables, login=None, text=query) -> dict[str, Any]:
        built.clear()
        return (await both(apps, text, variables, login))["data"]["achievements"]

    first = await ask({"first": 5})
    assert len(built) == 2  # the plan's request and the ordinary path's
    assert await ask({"first": 5}) == first and len(built) == 1  # the plan's kept statement: the ordinary path's only
    cursor = first["pageInfo"]["endCursor"]
    second = await ask({"first": 5, "after": cursor})
    assert len(built) == 2 and not {e["node"]["id"] for e in second["edges"]} & {e["node"]["id"] for e in first["edges"]}
    assert await ask({"first": 5, "after": cursor}) == second and len(built) == 1
    # Callers who see more get a statement of their own.
    for caller in ("own contributor", "admin"):
        mine = await ask({"first": 5}, logins[caller])
        assert len(built) == 2
        assert await ask({"first": 5}, logins[caller]) == mine and len(built) == 1
    admin_rows = await ask({"first": 100}, logins["admin"])
    assert {e["node"]["status"] for e in admin_rows["edges"]} - {"VERIFIED"}  # the admin sees more than the public
    assert {e["node"]["status"] for e in (await ask({"first": 100}))["edges"]} == {"VERIFIED"}
    # A change of the rows shows on the kept statement at once, with the total.
    total = (await ask({"first": 5}, text=counted_query))["totalCount"]
    draft = await Achievement.exclude(status="VERIFIED").order_by("id").first()
    await Achievement.filter(id=draft.id).update(status="VERIFIED", date=dt.date.today() + dt.timedelta(days=1))
    after_change = await ask({"first": 5}, text=counted_query)
    assert len(built) == 2  # the ordinary path's, and the plan's for the total only
    assert after_change["totalCount"] == total + 1
    assert after_change["edges"][0]["node"]["id"] == _gid("Achievement", draft.id)
    changed = await ask({"first": 5})
    assert len(built) == 1 and changed["edges"][0]["node"]["id"] == _gid("Achievement", draft.id)
    # A category filter is built every time: a category added under it changes its SQL.
    parent = await Category.filter(parent_id__isnull=True).order_by("id").first()
    by_category = {"first": 100, "filter": {"categoryId": _gid("Category", parent.id)}}
    before = await ask(by_category)
    assert len(built) == 2
    await ask(by_category)
    assert len(built) == 2
    child = await Category.create(slug="cabang-uji", name="Cabang uji", parent_id=parent.id)
    moved = await Achievement.filter(status="VERIFIED").exclude(category_id=parent.id).order_by("id").first()
    await Achievement.filter(id=moved.id).update(category_id=child.id)
    now = await ask(by_category)
    assert len(built) == 2 and len(now["edges"]) == min(100, len(before["edges"]) + 1)
