"""The query cost limit: what a document can make the server produce, counted before anything runs.

Every field costs 1. A list multiplies what it holds by its length: a connection's page size (`first` or
`last`, 100 when absent or a variable, as the pagination allows at most 100), or a known bound of the list
(18 kecamatan, at most 30 desa in one kecamatan, …), 100 for any other list. Nested cycles
(kecamatan → desa → kecamatan → …) therefore count at every level, and aliases count each time."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)

MAX_PAGE = 100
DEFAULT_LIST = 100
COST_MESSAGE = (
    "Kueri terlalu berat: biayanya {cost} melebihi batas {limit}. Kurangi tingkat bersarang, alias, "
    "atau ukuran halaman (first/last), lalu kirim ulang."
)

# Upper bounds of lists whose length is not a page size (type, field) → length.
KNOWN_LENGTHS: dict[tuple[str, str], int] = {
    ("Query", "kecamatanList"): 18,
    ("Kecamatan", "desa"): 30,
    ("Query", "categories"): 20,
    ("Category", "children"): 20,
    ("Institution", "children"): 50,
    ("Achievement", "persons"): 20,
    ("Achievement", "evidence"): 20,
    ("Achievement", "pressReleases"): 10,
    ("Achievement", "possibleDuplicates"): 10,
    ("PressRelease", "revisions"): 50,
    ("PressRelease", "quoteRequests"): 10,
    ("PointsTable", "levels"): 10,
    ("PointsTable", "ranks"): 20,
    ("Stats", "byKecamatan"): 19,
    ("Stats", "topKecamatan"): 19,
    ("Stats", "byLevel"): 10,
    ("Stats", "byCategory"): 30,
    ("Stats", "byYear"): 100,
    ("Stats", "byMonth"): 12,
    ("Stats", "byRank"): 20,
    ("Stats", "byInstitutionKind"): 10,
    ("Stats", "byDesa"): 30,
}
# Lists bounded by an argument (its default when absent; the most it allows when a variable).
ARGUMENT_LENGTHS: dict[tuple[str, str], tuple[str, int, int]] = {
    ("Stats", "topInstitutions"): ("limit", 10, 100),
    ("Query", "myImportJobs"): ("first", 10, 50),
}
# Lists of payloads (errors, problems) that only ever hold what the server found: counted as few.
SMALL_LISTS = {"errors": 10, "problems": 10}


def _unwrap(type_: Any) -> tuple[Any, bool]:
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            is_list = True
        type_ = type_.of_type
    return type_, is_list


def _int_argument(field: FieldNode, name: str) -> int | None:
    """A literal whole-number argument; None when absent, -1 when given as a variable."""
    for arg in field.arguments or ():
        if arg.name.value == name:
            return int(arg.value.value) if isinstance(arg.value, IntValueNode) else -1
    return None


def _page_size(field: FieldNode) -> int:
    sizes = [v for v in (_int_argument(field, "first"), _int_argument(field, "last")) if v is not None]
    if not sizes or -1 in sizes:
        return MAX_PAGE
    return max(0, min(MAX_PAGE, max(sizes)))


class _Counter:
    def __init__(self, schema: Any, fragments: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        # (selection set, type name, page) → cost: a fragment spread a thousand times is counted once.
        self.memo: dict[tuple[int, str, int], int] = {}

    def selection_cost(self, selection_set: SelectionSetNode | None, parent: Any, page: int = 0) -> int:
        if selection_set is None or parent is None:
            return 0
        key = (id(selection_set), parent.name, page)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = 0  # a cycle through fragments (refused by another rule) costs nothing more here
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                target = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition \
                    else parent
                total += self.selection_cost(selection.selection_set, target or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value) or parent
                    total += self.selection_cost(fragment.selection_set, target, page)
        self.memo[key] = total
        return total

    def field_cost(self, field: FieldNode, parent: Any, page: int) -> int:
        name = field.name.value
        if name.startswith("__"):
            return 0  # introspection: bounded by the schema itself (and switched off in production)
        fields = getattr(parent, "fields", None) if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) \
            else None
        definition = fields.get(name) if fields else None
        if definition is None:
            return 1  # unknown fields are refused by the other rules
        inner, is_list = _unwrap(definition.type)
        child_page = 0
        multiplier = 1
        if "first" in definition.args or "last" in definition.args:
            child_page = _page_size(field)  # a connection: its edges/nodes hold one page
        if is_list:
            by_argument = ARGUMENT_LENGTHS.get((parent.name, name))
            if page and name in ("edges", "nodes"):
                multiplier = page
            elif (parent.name, name) in KNOWN_LENGTHS:
                multiplier = KNOWN_LENGTHS[(parent.name, name)]
            elif by_argument is not None:
                arg, default, most = by_argument
                given = _int_argument(field, arg)
                multiplier = default if given is None else most if given < 0 else max(0, min(given, most))
            elif name in SMALL_LISTS:
                multiplier = SMALL_LISTS[name]
            else:
                multiplier = DEFAULT_LIST
        return multiplier * (1 + self.selection_cost(field.selection_set, inner, child_page))


def query_cost(schema: Any, document: Any, operation: OperationDefinitionNode) -> int:
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    return _Counter(schema, fragments).selection_cost(operation.selection_set, root)


def query_cost_rule(limit: int) -> type[ValidationRule]:
    """A validation rule refusing every operation whose cost is over `limit` (0 switches it off)."""

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> Any:
            if limit > 0:
                cost = query_cost(self.context.schema, self.context.document, node)
                if cost > limit:
                    self.report_error(GraphQLError(
                        COST_MESSAGE.format(cost=cost, limit=limit), node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit},
                    ))
            return self.SKIP

    return QueryCostRule
