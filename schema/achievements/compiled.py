"""A compiled plan for the common shapes of the `achievements` query.

A document whose only root field is `achievements`, selecting the connection's `totalCount`, `pageInfo`,
`edges { cursor node { … } }` with the achievement's plain fields and its category, institution,
kecamatan, desa and persons (their plain fields and `Person.name`), is compiled once into a plan: the
columns to read and, for every response key, how to read it from a row. Executing the plan reads the page
as tuples (the page's ids on the filtered, ordered index, joined to the selected relations; then the
persons of the page) and builds the response directly, without graphql-core resolving ~30 fields per
achievement and without building ORM objects.

What the plan answers is exactly what the ordinary execution answers: the same queryset and visibility
(`filtered_achievements`, as `achievement_queryset` calls it), the same pagination (`paginate`), the root
field's own permission objects, the same person-name rule (`directory.public_person_name`), the same scalar
serialisers. A forward page's statement of ids is kept under the arguments that fix it (`filtered_key`, first,
after) and read again as it is by the next request with the same ones. Anything else (another root
field, a directive, a field with arguments, a resolver, permission classes or extensions of its own, a
repeated response key, invalid variables, a caller the root field's gates refuse, any error) takes the
ordinary path, which then answers or reports it as usual.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.permission import PermissionExtension
from strawberry.types.arguments import convert_arguments
from tortoise.fields import BigIntField, CharField, IntField, SmallIntField, TextField

from schema.achievements.prefetch import PageFirst
from schema.achievements.queries import achievement_order, to_service_filter
from schema.ids import encode_id, given
from schema.pagination import check_page_args, paginate
from service import achievements as achievements_service
from service import directory
from service import persons as persons_service
from service.errors import DomainError, UserInputError
from service.models import Achievement, AchievementPerson, Person

log = logging.getLogger("juara.compiled")

# The relations a plan may follow from an achievement, and the GraphQL types they lead to.
RELATIONS = {"category": "Category", "institution": "Institution", "kecamatan": "Kecamatan", "desa": "Desa"}
PAGE_INFO = {"hasNextPage": "has_next_page", "hasPreviousPage": "has_previous_page",
             "startCursor": "start_cursor", "endCursor": "end_cursor"}
MAX_PLANS = 256
MEMO_SIZE = 4096


class Unsupported(Exception):
    """This document is not of a shape the plan covers: the ordinary execution answers it."""


@dataclass
class Run:
    """What one execution of a plan knows besides the row: the caller and the page's persons."""

    actor: Any
    persons: dict[int, list[Any]]


@dataclass
class Plan:
    schema: GraphQLSchema
    operation: Any
    root_key: str
    root_field: FieldNode
    field_key: str = "Query.achievements"
    gates: list[Any] = field(default_factory=list)  # the root field's permission objects, run before the plan
    connection: list[tuple[str, str, Any]] = field(default_factory=list)  # (key, what, detail)
    columns: list[str] = field(default_factory=list)
    person_columns: list[str] = field(default_factory=lambda: [
        "achievement_id", "person__id", "person__name", "person__publication_consent", "person__consent_given_by",
        "person__birth_date", "person__role"])
    names: bool = False  # Person.name selected: the rule may need the person's institution path
    node_source: str = ""
    person_source: str = ""
    scope: dict[str, Any] = field(default_factory=dict)
    build_node: Callable[[Any, Run], dict[str, Any]] | None = None
    edge_cursors: bool = False  # some edge selects its cursor (else only pageInfo's two are made)
    static_args: dict[str, Any] | None = None  # the root field's arguments of a document without variables

    def column(self, path: str) -> int:
        if path not in self.columns:
            self.columns.append(path)
        return self.columns.index(path)

    def person_column(self, path: str) -> int:
        if path not in self.person_columns:
            self.person_columns.append(path)
        return self.person_columns.index(path)

    def value(self, obj: Any, name: str) -> str:
        """A name in the generated code's scope for a helper value."""
        key = f"_{name}{len(self.scope)}"
        self.scope[key] = obj
        return key


# --- compiling --------------------------------------------------------------------------------------

def _unwrap(gtype: Any) -> Any:
    while isinstance(gtype, GraphQLNonNull | GraphQLList):
        gtype = gtype.of_type
    return gtype


def _guarded(definition: Any) -> bool:
    """A field the ordinary path runs something for besides reading it: permission classes, field
    extensions, directives (on the strawberry field or in the SDL)."""
    strawberry_field = (definition.extensions or {}).get("strawberry-definition")
    if strawberry_field is not None and (
        strawberry_field.permission_classes or strawberry_field.extensions or strawberry_field.directives
    ):
        return True
    return bool(definition.ast_node is not None and definition.ast_node.directives)


def _fields(selection_set: SelectionSetNode | None, gtype: GraphQLObjectType,
            fragments: dict[str, FragmentDefinitionNode]) -> list[FieldNode]:
    """The fields selected on `gtype`, through fragments; refuses what the plan does not model and every
    field with a guard of its own (the plan would answer it without running the guard)."""
    out = _selected(selection_set, gtype.name, fragments)
    for f in out:
        if f.name.value == "__typename":
            continue
        definition = gtype.fields.get(f.name.value)
        if definition is None:
            raise Unsupported("unknown field")
        if _guarded(definition):
            raise Unsupported("guarded field")
    return out


def _selected(selection_set: SelectionSetNode | None, type_name: str,
              fragments: dict[str, FragmentDefinitionNode]) -> list[FieldNode]:
    if selection_set is None:
        raise Unsupported("no selection")
    out: list[FieldNode] = []
    for sel in selection_set.selections:
        if sel.directives:
            raise Unsupported("directive")
        if isinstance(sel, FieldNode):
            out.append(sel)
        elif isinstance(sel, InlineFragmentNode):
            if sel.type_condition is not None and sel.type_condition.name.value != type_name:
                raise Unsupported("type condition")
            out.extend(_selected(sel.selection_set, type_name, fragments))
        elif isinstance(sel, FragmentSpreadNode):
            frag = fragments.get(sel.name.value)
            if frag is None or frag.type_condition.name.value != type_name:
                raise Unsupported("fragment")
            out.extend(_selected(frag.selection_set, type_name, fragments))
    keys = [_key(f) for f in out]
    if len(set(keys)) != len(keys):
        raise Unsupported("repeated response key")
    for f in out:
        if f.arguments or f.directives:
            raise Unsupported("arguments")
    return out


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _model_field(model: Any, path: str) -> Any:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.fields_map[relation].related_model
    return model._meta.fields_map[name]


# Column types whose database value is already the value the ordinary path serialises.
_AS_READ = (CharField, TextField, IntField, BigIntField, SmallIntField)


def _converter(model: Any, path: str) -> Callable[[Any], Any] | None:
    """How the ORM turns this column's database value into Python (None: it does not change it)."""
    model_field = _model_field(model, path)
    return None if type(model_field) in _AS_READ else model_field.to_python_value


def _serializer(gtype: Any) -> Callable[[Any], Any] | None:
    """How the ordinary execution serialises a leaf value; None when it leaves a string as it is."""
    named = _unwrap(gtype)
    if named is GraphQLString:
        return None
    if isinstance(named, GraphQLEnumType | GraphQLScalarType):
        return named.serialize
    raise Unsupported("not a leaf")


def _plain_field(gtype: GraphQLObjectType, name: str) -> str:
    """The python name of a field that reads an attribute of the row as it is (no resolver of its own)."""
    definition = gtype.fields.get(name)
    if definition is None:
        raise Unsupported("unknown field")
    strawberry_field = (definition.extensions or {}).get("strawberry-definition")
    if strawberry_field is None or strawberry_field.base_resolver is not None:
        raise Unsupported("resolver")
    if isinstance(_unwrap(definition.type), GraphQLObjectType):
        raise Unsupported("object without resolver")
    return strawberry_field.python_name


def _leaf(plan: Plan, gtype: GraphQLObjectType, node: FieldNode, model: Any, index_of: Callable[[str], int],
          prefix: str, id_path: str, var: str) -> str:
    """The generated expression for one leaf field, reading the row in `var`."""
    name = node.name.value
    if name == "__typename":
        return repr(gtype.name)
    if node.selection_set is not None:
        raise Unsupported("selection on a leaf")
    python_name = _plain_field(gtype, name)
    if python_name == "id":
        if var == "r" and prefix == "":
            return f"{plan.value(encode_id, 'enc')}({gtype.name!r}, r[{index_of(id_path)}])"
        # A related object's id repeats from row to row: computed once per value.
        type_name = gtype.name
        return _memo(plan, f"{var}[{index_of(id_path)}]", lambda pk: encode_id(type_name, pk))
    path = f"{prefix}{python_name}"
    cell = f"{var}[{index_of(path)}]"
    convert = _converter(model, path.split("__", 1)[1] if var == "p" else path)
    serialize = _serializer(gtype.fields[name].type)
    if convert is None and serialize is None:
        return cell
    if convert is None:
        return f"(None if {cell} is None else {plan.value(serialize, 'ser')}({cell}))"

    def shown(raw: Any, convert: Callable = convert, serialize: Callable | None = serialize) -> Any:
        value = convert(raw)
        return value if serialize is None or value is None else serialize(value)

    return f"(None if {cell} is None else {_memo(plan, cell, shown)})"


def _memo(plan: Plan, cell: str, compute: Callable[[Any], Any]) -> str:
    """An expression giving compute(cell), computed once per distinct database value (dates, enums, ids
    repeat across rows); the memo is bounded."""
    memo: dict[Any, Any] = {}

    def fill(raw: Any) -> Any:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[raw] = value = compute(raw)
        return value

    m, f = plan.value(memo, "memo"), plan.value(fill, "fill")
    return f"({m}[_c] if (_c := {cell}) in {m} else {f}(_c))"


def _dict(entries: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{key!r}: {expr}" for key, expr in entries) + "}"


def _relation(plan: Plan, gtype: GraphQLObjectType, node: FieldNode, name: str,
              fragments: dict[str, FragmentDefinitionNode]) -> str:
    target = _unwrap(gtype.fields[name].type)
    if target.name != RELATIONS[name]:
        raise Unsupported("relation type")
    prefix = f"{name}__"
    id_index = plan.column(f"{prefix}id")
    entries = [(_key(f), _leaf(plan, target, f, Achievement, plan.column, prefix, f"{prefix}id", "r"))
               for f in _fields(node.selection_set, target, fragments)]
    return f"(None if r[{id_index}] is None else {_dict(entries)})"


def _persons(plan: Plan, gtype: GraphQLObjectType, node: FieldNode,
             fragments: dict[str, FragmentDefinitionNode]) -> str:
    person_type = _unwrap(gtype.fields["persons"].type)
    entries = []
    for f in _fields(node.selection_set, person_type, fragments):
        if f.name.value == "name":
            if f.selection_set is not None:
                raise Unsupported("selection on a leaf")
            plan.names = True
            columns = {attr: plan.person_column(f"person__{attr}") for attr in _NAME_RULE_FIELDS}
            entries.append((_key(f), f"{plan.value(_name_reader(columns), 'name')}(p, run)"))
        else:
            entries.append((_key(f), _leaf(plan, person_type, f, Person, plan.person_column, "person__",
                                           "person__id", "p")))
    plan.person_source = _dict(entries)
    return "[_person(p, run) for p in run.persons.get(r[0], ())]"


# What the person-name rule (service.persons.name_is_public) reads of a person besides its name.
_NAME_RULE_FIELDS = ("publication_consent", "consent_given_by", "birth_date", "role", "erased_at")


class _PersonFacts:
    """What the person-name rule reads of a person, from the plan's row."""

    __slots__ = ("name", *_NAME_RULE_FIELDS)

    def __init__(self, name: str, values: dict[str, Any]) -> None:
        self.name = name
        for attr in _NAME_RULE_FIELDS:
            setattr(self, attr, values.get(attr))


def _name_reader(columns: dict[str, int]) -> Callable[[Any, Run], str]:
    """Person.name as the ordinary path shows it (`directory.public_person_name`), from the plan's row:
    achievement_id, person__id, person__name, …, and the institution path last when the caller needs it
    read (a signed-in caller who is not staff)."""
    converters = {attr: _model_field(Person, attr).to_python_value for attr in _NAME_RULE_FIELDS}
    consent_at = columns["publication_consent"]
    rule_values = itemgetter(*columns.values())
    # What an anonymous caller is shown depends only on the name, the rule's columns and today's date.
    shown_anonymously: dict[tuple[Any, ...], str] = {}

    def name_of_row(row: Any, run: Run) -> str:
        if not row[consent_at]:
            values: dict[str, Any] = {"publication_consent": False}  # nothing else matters without consent
        else:
            values = {attr: None if row[i] is None else converters[attr](row[i]) for attr, i in columns.items()}
        path = row[-1] if run.actor is not None and not run.actor.can_see_everything else None
        # Not a Person: the columns the name rule reads (_NAME_RULE_FIELDS), converted as the model would.
        return directory.public_person_name(run.actor, _PersonFacts(row[2], values), path)  # type: ignore[arg-type]

    def name_of(row: Any, run: Run) -> str:
        if run.actor is not None:
            return name_of_row(row, run)
        key = (row[2], persons_service.today_wib(), rule_values(row)) if row[consent_at] else (row[2],)
        name = shown_anonymously.get(key)
        if name is None:
            if len(shown_anonymously) >= MEMO_SIZE:
                shown_anonymously.clear()
            name = shown_anonymously[key] = name_of_row(row, run)
        return name

    return name_of


def _gates(definition: Any) -> list[Any]:
    """The root field's permission objects: the very instances the ordinary path runs. The plan answers
    only behind gates it can run the same way (`admit(field_key, context)`, what their `has_permission`
    runs) and refuses a root field with anything else around it (another extension, a directive)."""
    strawberry_field = definition.extensions["strawberry-definition"]
    if strawberry_field.directives or (definition.ast_node is not None and definition.ast_node.directives):
        raise Unsupported("directive on the root field")
    gates: list[Any] = []
    for extension in strawberry_field.extensions:
        if not isinstance(extension, PermissionExtension) or extension.fail_silently:
            raise Unsupported("root field extension")
        for permission in extension.permissions:
            if not callable(getattr(permission, "admit", None)):
                raise Unsupported("permission the plan cannot run")
            gates.append(permission)
    if len(gates) != len(strawberry_field.permission_classes):
        raise Unsupported("permission classes outside an extension")
    return gates


def compile_plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Plan:
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY or operation.directives:
        raise Unsupported("not a query")
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    query_type = schema.query_type
    if query_type is None:
        raise Unsupported("no query type")
    roots = list(operation.selection_set.selections)
    if len(roots) != 1 or not isinstance(roots[0], FieldNode) or roots[0].directives:
        raise Unsupported("root")
    root = roots[0]
    if root.name.value != "achievements":
        raise Unsupported("root field")
    plan = Plan(schema=schema, operation=operation, root_key=_key(root), root_field=root,
                field_key=f"{query_type.name}.{root.name.value}", gates=_gates(query_type.fields["achievements"]))
    plan.column("id")  # the row's own id, first: persons are grouped by it
    connection_type = _unwrap(query_type.fields["achievements"].type)
    for f in _fields(root.selection_set, connection_type, fragments):
        name = f.name.value
        if name == "__typename":
            plan.connection.append((_key(f), "typename", connection_type.name))
        elif name == "totalCount":
            plan.connection.append((_key(f), "totalCount", None))
        elif name == "pageInfo":
            info_type = _unwrap(connection_type.fields["pageInfo"].type)
            parts: list[tuple[str, str | None, Any]] = []
            for p in _fields(f.selection_set, info_type, fragments):
                if p.name.value == "__typename":
                    parts.append((_key(p), None, info_type.name))
                elif p.name.value in PAGE_INFO and p.selection_set is None:
                    parts.append((_key(p), PAGE_INFO[p.name.value], None))
                else:
                    raise Unsupported("pageInfo field")
            plan.connection.append((_key(f), "pageInfo", parts))
        elif name == "edges":
            edge_type = _unwrap(connection_type.fields["edges"].type)
            parts = []
            for e in _fields(f.selection_set, edge_type, fragments):
                if e.name.value == "__typename":
                    parts.append((_key(e), "typename", edge_type.name))
                elif e.name.value == "cursor" and e.selection_set is None:
                    parts.append((_key(e), "cursor", None))
                    plan.edge_cursors = True
                elif e.name.value == "node":
                    _node(plan, _unwrap(edge_type.fields["node"].type), e, fragments)
                    parts.append((_key(e), "node", None))
                else:
                    raise Unsupported("edge field")
            plan.connection.append((_key(f), "edges", parts))
        else:
            raise Unsupported("connection field")
    return plan


def _node(plan: Plan, node_type: GraphQLObjectType, edge_node: FieldNode,
          fragments: dict[str, FragmentDefinitionNode]) -> None:
    if plan.node_source:
        raise Unsupported("node twice")
    entries = []
    for f in _fields(edge_node.selection_set, node_type, fragments):
        name = f.name.value
        if name in RELATIONS:
            entries.append((_key(f), _relation(plan, node_type, f, name, fragments)))
        elif name == "persons":
            entries.append((_key(f), _persons(plan, node_type, f, fragments)))
        else:
            entries.append((_key(f), _leaf(plan, node_type, f, Achievement, plan.column, "", "id", "r")))
    if not entries:
        raise Unsupported("empty node")
    plan.node_source = _dict(entries)
    # The plan as one function per object: no call per field. Every name in the source is a GraphQL name
    # from the parsed document (repr-quoted), a column index or a helper of this module.
    source = f"def _person(p, run):\n    return {plan.person_source or '{}'}\n" \
             f"def _node(r, run):\n    return {plan.node_source}\n"
    scope = dict(plan.scope)
    exec(compile(source, "<achievements plan>", "exec"), scope)  # noqa: S102 - generated from the plan
    plan.build_node = scope["_node"]


# --- executing --------------------------------------------------------------------------------------

class TuplePage(PageFirst):
    """A `PageFirst` reading each page as the database's tuples of the plan's columns (and the ordering
    column, last, for the cursors)."""

    def __init__(self, queryset: Any, columns: list[str], order: tuple[str, bool]) -> None:
        super().__init__(queryset, (), order)
        column = achievements_service.ORDER_FIELDS.get(order[0], "date")
        self.columns = [*columns, column]
        self._order_value = _model_field(Achievement, column).to_python_value
        self._keys = _order_keys.setdefault(order[0], {})

    def key_of(self, row: Any) -> list[Any]:
        raw = row[-1]
        key = self._keys.get(raw)
        if key is None:
            if len(self._keys) >= MEMO_SIZE:
                self._keys.clear()
            key = self._keys[raw] = achievements_service.order_key(self.order[0], self._order_value(raw))
        return [key, row[0]]

    record: tuple[Any, ...] | None = None  # the key under which to keep the page's statement of ids

    def limit(self, limit: int) -> Any:
        # The page's ids as the queryset selects them (filter, visibility, order, seek); the columns of
        # those rows by a statement written once per shape of plan.
        ids = self.queryset.offset(self._offset).limit(limit).values("id")
        ids._choose_db_if_not_chosen()
        ids._make_query()
        inner, params = ids.query.get_parameterized_sql()
        if self.record is not None:
            _remember(_ids_statements, self.record, (ids._db, inner, tuple(params)))
        return _page_rows(ids._db, inner, params, self.columns, self.order)


class StoredPage(TuplePage):
    """A page whose statement of ids an earlier request with the same arguments built (`_ids_statements`):
    the page is read by it as it is. The queryset itself is built only if the total is asked for."""

    def __init__(self, stored: tuple[Any, str, tuple[Any, ...]], make_queryset: Callable[[], Any],
                 columns: list[str], order: tuple[str, bool]) -> None:
        super().__init__(None, columns, order)
        self._stored = stored
        self._make_queryset = make_queryset

    def offset(self, offset: int) -> StoredPage:
        return self  # the stored statement already holds the offset or seek of these arguments

    def seek(self, key: list[Any]) -> StoredPage:
        return self

    def limit(self, limit: int) -> Any:
        client, inner, params = self._stored
        return _page_rows(client, inner, list(params), self.columns, self.order)

    async def count(self) -> int:
        return await (await self._make_queryset()).count()


# The statement of a page's ids per (database, filter key, visibility, order, first, after): one page of
# the public listing is asked for many times between two changes of what it shows, and the ORM would
# build the same text again each time (bounded, oldest out first).
_ids_statements: dict[tuple[Any, ...], tuple[Any, str, tuple[Any, ...]]] = {}


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if key not in memo and len(memo) >= MEMO_SIZE:
        memo.pop(next(iter(memo)))
    memo[key] = value


# The cursor key of an ordering column's database value, per ordering field (dates repeat across rows).
_order_keys: dict[str, dict[Any, Any]] = {}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _quoted(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise Unsupported(f"identifier {name!r}")
    return f'"{name}"'


def _select_from(model: Any, columns: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """The select list and the FROM with its LEFT OUTER JOINs that read `columns` (paths such as
    `category__name`) of `model`'s rows, with the aliases tortoise gives a values_list."""
    table = model._meta.db_table
    joins: dict[str, str] = {}
    select = []
    for path in columns:
        *relations, name = path.split("__")
        current, alias = model, table
        for relation in relations:
            fk = current._meta.fields_map[relation]
            related = fk.related_model
            child = f"{alias}__{relation}"
            if child not in joins:
                to = related._meta.fields_db_projection[fk.to_field] if getattr(fk, "to_field", None) \
                    else related._meta.db_pk_column
                source = current._meta.fields_db_projection[fk.source_field]
                joins[child] = (f" LEFT OUTER JOIN {_quoted(related._meta.db_table)} {_quoted(child)}"
                                f" ON {_quoted(child)}.{_quoted(to)}={_quoted(alias)}.{_quoted(source)}")
            current, alias = related, child
        select.append(f"{_quoted(alias)}.{_quoted(current._meta.fields_db_projection[name])}")
    return ",".join(select), f"{_quoted(table)}{''.join(joins.values())}"


_statements: dict[tuple[Any, ...], tuple[str, str]] = {}


def _statement(key: tuple[Any, ...], make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """A statement's text around its variable part, made once per key (bounded)."""
    text = _statements.get(key)
    if text is None:
        if len(_statements) >= MAX_PLANS:
            _statements.pop(next(iter(_statements)))
        text = _statements[key] = make()
    return text


async def _page_rows(client: Any, inner: str, params: list[Any], columns: list[str],
                     order: tuple[str, bool]) -> list[Any]:
    """The rows of the page whose ids the statement `inner` selects, in the page's order."""

    def make() -> tuple[str, str]:
        select, source = _select_from(Achievement, columns)
        table = _quoted(Achievement._meta.db_table)
        column = achievements_service.ORDER_FIELDS.get(order[0], "date")
        direction = " DESC" if order[1] else " ASC"
        return (f"SELECT {select} FROM {source} WHERE {table}.\"id\" IN (",
                f") ORDER BY {table}.{_quoted(column)}{direction},{table}.\"id\"{direction}")

    head, tail = _statement(("page", tuple(columns), *order), make)
    _, rows = await client.execute_query(head + inner + tail, params)
    return list(rows)


async def _person_rows(connection: Any, columns: list[str], achievement_ids: list[int]) -> list[Any]:
    """The persons of the page's achievements (`columns` of AchievementPerson, `person__…`), in link order."""
    postgres = connection.capabilities.dialect == "postgres"
    n = 0 if postgres else len(achievement_ids)

    def make() -> tuple[str, str]:
        select, source = _select_from(AchievementPerson, columns)
        table = _quoted(AchievementPerson._meta.db_table)
        where = "=ANY($1)" if postgres else f" IN ({','.join('?' * n)})"
        return f"SELECT {select} FROM {source} WHERE {table}.\"achievement_id\"{where}", \
            f" ORDER BY {table}.\"id\" ASC"

    head, tail = _statement(("persons", tuple(columns), postgres, n), make)
    _, rows = await connection.execute_query(head + tail, [achievement_ids] if postgres else achievement_ids)
    return list(rows)


def _arguments(plan: Plan, schema: Any, raw_variables: dict[str, Any] | None) -> dict[str, Any]:
    """The root field's arguments, coerced and converted as strawberry hands them to the resolver; a
    document without variables has the same ones every time (the converted values are only read)."""
    if plan.static_args is not None:
        return plan.static_args
    coerced = get_variable_values(plan.schema, plan.operation.variable_definitions or [], raw_variables or {})
    if isinstance(coerced, list):
        raise Unsupported("variables")
    query_type = plan.schema.query_type
    assert query_type is not None  # compile_plan refuses a schema without one
    field_def = query_type.fields["achievements"]
    raw_args = get_argument_values(field_def, plan.root_field, coerced)
    strawberry_field = field_def.extensions["strawberry-definition"]
    args = convert_arguments(raw_args, strawberry_field.arguments,
                             scalar_registry=schema.schema_converter.scalar_registry, config=schema.config)
    if not plan.operation.variable_definitions:
        plan.static_args = args
    return args


async def execute_plan(plan: Plan, schema: Any, context: Any, raw_variables: dict[str, Any] | None) -> dict:
    args = _arguments(plan, schema, raw_variables)
    first, last = given(args.get("first")), given(args.get("last"))
    after, before = given(args.get("after")), given(args.get("before"))
    check_page_args(first, last)
    actor = context.actor
    flt = to_service_filter(given(args.get("filter")))
    order = achievement_order(args.get("order_by"))

    def make_queryset() -> Any:
        return achievements_service.filtered_achievements(actor, flt, *order)

    kept: tuple[Any, ...] | None = None
    if last is None and before is None:
        # A forward page is fixed by these: its statement of ids is kept under them.
        shape = achievements_service.filtered_key(actor, flt, *order)
        if shape is not None:
            kept = (Achievement._choose_db(), shape, first, after)
    stored = _ids_statements.get(kept) if kept is not None else None
    page: TuplePage
    if stored is not None:
        page = StoredPage(stored, make_queryset, plan.columns, order)
    else:
        page = TuplePage(await make_queryset(), plan.columns, order)
        page.record = kept
    connection = await paginate(page, lambda row: row, first=first, after=after, last=last, before=before,
                                every_cursor=plan.edge_cursors)
    rows = [edge.node for edge in connection.edges]
    persons: dict[int, list[Any]] = {}
    if plan.person_source and rows:
        columns = list(plan.person_columns)
        if plan.names and actor is not None and not actor.can_see_everything:
            columns.append("person__institution__path")
        client = AchievementPerson._choose_db()
        for link in await _person_rows(client, columns, [r[0] for r in rows]):
            persons.setdefault(link[0], []).append(link)
    run = Run(actor=actor, persons=persons)
    out: dict[str, Any] = {}
    for key, what, detail in plan.connection:
        if what == "typename":
            out[key] = detail
        elif what == "totalCount":
            out[key] = await connection.count()
        elif what == "pageInfo":
            info = connection.page_info
            out[key] = {k: (t if attr is None else getattr(info, attr)) for k, attr, t in detail}
        else:
            node = plan.build_node
            edges = []
            for edge in connection.edges:
                item: dict[str, Any] = {}
                for k, part, t in detail:
                    if part == "cursor":
                        item[k] = edge.cursor
                    elif part == "node":
                        assert node is not None  # compiled with the plan whenever an edge selects its node
                        item[k] = node(edge.node, run)
                    else:
                        item[k] = t
                edges.append(item)
            out[key] = edges
    return {plan.root_key: out}


_plans: dict[tuple[int, str, str | None], Plan | None] = {}


def plan_for(schema: GraphQLSchema, query: str, document: DocumentNode, operation_name: str | None) -> Plan | None:
    """The compiled plan of a document, or None when its shape is not covered (remembered either way)."""
    key = (id(schema), query, operation_name)
    if key not in _plans:
        try:
            plan: Plan | None = compile_plan(schema, document, operation_name)
        except Unsupported:
            plan = None
        if len(_plans) >= MAX_PLANS:
            _plans.pop(next(iter(_plans)))
        _plans[key] = plan
    return _plans[key]


def _admitted(plan: Plan, context: Any) -> bool:
    """Whether the root field's own gates let this caller in; a refusal is the ordinary path's to report."""
    try:
        for gate in plan.gates:
            gate.admit(plan.field_key, context)
    except DomainError:
        return False
    return True


# Documents whose plan has answered after the ordinary pipeline parsed and validated them (token limit,
# depth, aliases, cost, introspection: rules of the text alone, so they pass again for the same text).
_validated: dict[tuple[int, str, str | None], Plan] = {}


def validated_plan(schema: GraphQLSchema, query: str, operation_name: str | None) -> Plan | None:
    """The plan of a document this process has already parsed, validated and answered from its plan."""
    return _validated.get((id(schema), query, operation_name))


async def answer(plan: Plan, schema: Any, context: Any, variables: dict[str, Any] | None) -> dict | None:
    """The plan's response data, or None when the ordinary path must answer (a caller the root field's
    gates refuse, variables or arguments it reports in its own words, an unexpected failure)."""
    if not _admitted(plan, context):
        return None
    try:
        return await execute_plan(plan, schema, context, variables)
    except (Unsupported, UserInputError):
        return None
    except Exception:
        log.exception("compiled plan failed; answering on the ordinary path")
        return None


class CompiledPlans(SchemaExtension):
    """Answers a covered query from its compiled plan; leaves every other request to the ordinary path."""

    async def on_execute(self):
        ec = self.execution_context
        result = None
        if ec.graphql_document is not None and ec.query and not ec.result:
            plan = plan_for(ec.schema._schema, ec.query, ec.graphql_document, ec.operation_name)
            if plan is not None:
                result = await answer(plan, ec.schema, ec.context, ec.variables)
                if result is not None:
                    if len(_validated) >= MAX_PLANS:
                        _validated.pop(next(iter(_validated)))
                    # Under the name the request gave (None when it named none), as the view looks it up.
                    _validated[(id(ec.schema._schema), ec.query, ec._provided_operation_name)] = plan
        if result is not None:
            from graphql import ExecutionResult

            ec.result = ExecutionResult(data=result, errors=None)
        yield
