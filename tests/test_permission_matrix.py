"""The permission matrix (schema/permissions.py FIELD_CAPABILITY) against the live schema, for every caller."""

from __future__ import annotations

import pytest

from schema.permissions import ANONYMOUS, FIELD_CAPABILITY, RoleGate, role_allowed
from service.enums import Role
from tests.factories import make_user
from tests.operations import SCHEMA, all_root_keys, build_operation, make_world

DENIED = {"UNAUTHENTICATED", "FORBIDDEN"}

# (caller name, role in the table, how to make it); contributors differ by institution only.
CALLERS = ["anonymous", "bad-token", "contributor-same", "contributor-other", "editor", "verifier", "admin"]


def table_role(caller: str) -> str:
    return {
        "anonymous": ANONYMOUS, "bad-token": ANONYMOUS, "contributor-same": Role.CONTRIBUTOR.value,
        "contributor-other": Role.CONTRIBUTOR.value, "editor": Role.EDITOR.value,
        "verifier": Role.VERIFIER.value, "admin": Role.ADMIN.value,
    }[caller]


async def headers_for(caller: str, world) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    if caller == "bad-token":
        return {"Authorization": "Bearer not-a-token-anyone-was-given"}
    if caller == "contributor-same":
        return (await make_user(Role.CONTRIBUTOR, world["inst_a"])).headers
    if caller == "contributor-other":
        return (await make_user(Role.CONTRIBUTOR, world["inst_b"])).headers
    return (await make_user(Role(caller.upper()))).headers


def test_every_root_field_has_an_entry_and_every_entry_a_field():
    keys = set(all_root_keys())
    missing = sorted(keys - set(FIELD_CAPABILITY))
    stale = sorted(set(FIELD_CAPABILITY) - keys)
    assert not missing, f"root fields without an entry in FIELD_CAPABILITY: {missing}"
    assert not stale, f"FIELD_CAPABILITY entries naming no field: {stale}"


def test_every_root_field_is_gated():
    for kind in ("Query", "Mutation"):
        definition = SCHEMA.get_type_by_name(kind)
        for f in definition.fields:
            assert any(p is RoleGate or isinstance(p, type) and issubclass(p, RoleGate)
                       for p in f.permission_classes), f"{kind}.{f.graphql_name or f.python_name} lacks the GATE"


@pytest.mark.parametrize("key", all_root_keys())
async def test_matrix(key, client, db):
    world = await make_world()
    built = build_operation(key, world["ids"])
    field_name = key.split(".", 1)[1]
    outcomes = {}
    for caller in CALLERS:
        headers = await headers_for(caller, world)
        kwargs = built.request_kwargs()
        kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
        resp = await client.post("/graphql", **kwargs)
        assert resp.status_code == 200, f"{key} as {caller}: HTTP {resp.status_code} {resp.text[:300]}"
        body = resp.json()
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])
                 if (e.get("path") or [None])[0] == field_name}
        other = [e for e in body.get("errors", []) if (e.get("path") or [None])[0] != field_name]
        assert not other, f"{key} as {caller}: request-level errors {other}"
        assert "INTERNAL_SERVER_ERROR" not in codes, f"{key} as {caller}: {body}"
        outcomes[caller] = codes
        role = None if table_role(caller) == ANONYMOUS else Role(table_role(caller))
        may = role_allowed(key, role) and caller != "bad-token"
        if not may:
            expected = "UNAUTHENTICATED" if table_role(caller) == ANONYMOUS else "FORBIDDEN"
            assert codes == {expected}, f"{key} as {caller} should be {expected}: {body}"
        elif caller == "contributor-other":
            # The table lets contributors in; the institution scope (service/) may still refuse.
            assert "UNAUTHENTICATED" not in codes, f"{key} as {caller}: {body}"
        else:
            assert not codes & DENIED, f"{key} as {caller} is allowed by the table but got {codes}: {body}"


def test_security_doc_and_readme_show_the_current_table():
    from schema.permissions_doc import DOCS, END, START, updated

    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert START in text and END in text, doc.name
        assert text == updated(text), f"{doc.name} is stale: run `make security-doc`"
