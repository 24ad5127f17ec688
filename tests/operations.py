"""Operations built from the schema itself: every root field, with argument values made from their types."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

from schema.ids import encode_id
from schema.schema import build_schema

SCHEMA = build_schema()
GRAPHQL_SCHEMA = SCHEMA._schema

SCALAR_VALUES: dict[str, Any] = {
    "String": "Uji coba",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "Date": "2026-01-15",
    "DateTime": "2026-01-15T08:00:00+07:00",
    "JSON": {},
}

# A small file accepted by the upload parsers' content sniffing where it matters (a PDF header).
UPLOAD_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def root_fields(kind: str) -> list[str]:
    root = GRAPHQL_SCHEMA.query_type if kind == "Query" else GRAPHQL_SCHEMA.mutation_type
    return sorted(root.fields) if root else []


def all_root_keys() -> list[str]:
    return [f"Query.{n}" for n in root_fields("Query")] + [f"Mutation.{n}" for n in root_fields("Mutation")]


@dataclass
class Built:
    """An operation with its variables; `files` maps a variable path to the file to upload there."""

    document: str
    variables: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)

    def request_kwargs(self) -> dict[str, Any]:
        if not self.files:
            return {"json": {"query": self.document, "variables": self.variables}}
        # GraphQL multipart request spec: operations, map, then the files.
        mapping = {str(i): [path] for i, path in enumerate(self.files)}
        return {
            "data": {"operations": json.dumps({"query": self.document, "variables": self.variables}),
                     "map": json.dumps(mapping)},
            "files": {str(i): (f"bukti{i}.pdf", content, "application/pdf")
                      for i, content in enumerate(self.files.values())},
            "headers": {"X-Requested-With": "juara-tests"},
        }


class ValueMaker:
    """Values for argument types; IDs point at the objects of `ids` (type name → global ID)."""

    def __init__(self, ids: dict[str, str]):
        self.ids = ids
        self.files: dict[str, bytes] = {}

    def id_for(self, name: str, context: list[str]) -> str:
        base = name[:-3] if name.endswith("Ids") else name[:-2] if name.endswith("Id") else name
        wanted = base[:1].upper() + base[1:]
        if wanted in self.ids:
            return self.ids[wanted]
        if base == "duplicateOf":
            return self.ids["Achievement"]
        # `id`, `parentId`: the type named by the mutation or input it belongs to (longest name wins).
        for ctx in context:
            hits = sorted((t for t in self.ids if t.lower() in ctx.lower()), key=len, reverse=True)
            if hits:
                return self.ids[hits[0]]
        return self.ids["Achievement"]

    def value(self, gtype, name: str, context: list[str], path: str) -> Any:
        if isinstance(gtype, GraphQLNonNull):
            return self.value(gtype.of_type, name, context, path)
        if isinstance(gtype, GraphQLList):
            return [self.value(gtype.of_type, name, context, f"{path}.0")]
        if isinstance(gtype, GraphQLEnumType):
            return next(iter(gtype.values))
        if isinstance(gtype, GraphQLInputObjectType):
            out = {}
            for fname, f in gtype.fields.items():
                if isinstance(f.type, GraphQLNonNull):
                    out[fname] = self.value(f.type, fname, [gtype.name, *context], f"{path}.{fname}")
            return out
        if isinstance(gtype, GraphQLScalarType):
            if gtype.name == "ID":
                return self.id_for(name, context)
            if gtype.name == "Upload":
                self.files[path] = UPLOAD_BYTES
                return None
            return SCALAR_VALUES.get(gtype.name, "Uji coba")
        raise TypeError(f"no value for {gtype}")


def build_operation(key: str, ids: dict[str, str]) -> Built:
    """`Query.x` / `Mutation.y` with every required argument filled in; selects only `__typename`."""
    kind, name = key.split(".", 1)
    root = GRAPHQL_SCHEMA.query_type if kind == "Query" else GRAPHQL_SCHEMA.mutation_type
    fdef = root.fields[name]
    maker = ValueMaker(ids)
    decls, args, variables = [], [], {}
    for i, (arg_name, arg) in enumerate(fdef.args.items()):
        if not isinstance(arg.type, GraphQLNonNull):
            continue
        var = f"v{i}"
        decls.append(f"${var}: {arg.type}")
        args.append(f"{arg_name}: ${var}")
        variables[var] = maker.value(arg.type, arg_name, [name], f"variables.{var}")
    selection = _selection(fdef.type)
    op = "query" if kind == "Query" else "mutation"
    head = f"{op} Probe({', '.join(decls)})" if decls else f"{op} Probe"
    call = f"{name}({', '.join(args)})" if args else name
    return Built(document=f"{head} {{ {call}{selection} }}", variables=variables, files=maker.files)


def _selection(gtype) -> str:
    while isinstance(gtype, GraphQLNonNull | GraphQLList):
        gtype = gtype.of_type
    return "" if isinstance(gtype, GraphQLScalarType | GraphQLEnumType) else " { __typename }"


async def make_world() -> dict[str, Any]:
    """One object of every kind, owned by institution A; institution B is someone else's."""
    from service.enums import AchievementStatus, PressReleaseStatus, Role
    from service.models import Category, Desa, Evidence, Kecamatan, PressRelease
    from tests.factories import make_achievement, make_institution, make_person, make_user

    inst_a = await make_institution("SMP Negeri 1 Bobotsari")
    inst_b = await make_institution("SD Negeri 2 Kutasari", kecamatan_code="33.03.11")
    person = await make_person(inst_a)
    submitted = await make_achievement(inst_a, status=AchievementStatus.SUBMITTED, persons=[person])
    verified = await make_achievement(inst_a, status=AchievementStatus.VERIFIED)
    release = await PressRelease.create(
        achievement=verified, title="Siswa SMP Negeri 1 Bobotsari Juara", body="Isi rilis.",
        status=PressReleaseStatus.DRAFT, template="umum",
    )
    evidence = await Evidence.filter(achievement_id=submitted.id).first()
    target = await make_user(Role.EDITOR)
    category = await Category.get(slug="paduan-suara")
    kecamatan = await Kecamatan.get(code="33.03.09")
    desa = await Desa.filter(kecamatan_id=kecamatan.id).first()
    ids = {
        "Institution": encode_id("Institution", inst_a.id),
        "Person": encode_id("Person", person.id),
        "Achievement": encode_id("Achievement", submitted.id),
        "Evidence": encode_id("Evidence", evidence.id),
        "PressRelease": encode_id("PressRelease", release.id),
        "User": encode_id("User", target.user.id),
        "Category": encode_id("Category", category.id),
        "Kecamatan": encode_id("Kecamatan", kecamatan.id),
        "Desa": encode_id("Desa", desa.id),
    }
    return {"ids": ids, "inst_a": inst_a, "inst_b": inst_b, "submitted": submitted, "verified": verified}
