"""Schema-wide abuse limits (depth, aliases, tokens, cost), caches, and the introspection switch, from settings."""

from __future__ import annotations

from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from schema.cost import query_cost_rule
from service.config import Settings


def abuse_extensions(settings: Settings) -> list:
    """Factories (one fresh instance per request); operation-level only, since per-field extensions
    would cost time on every resolved field."""
    # The limiters' rule classes are made once: the validation cache is keyed by the rules, and a fresh
    # class per request would make every request miss it (and validate the whole document again).
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        query_cost_rule(settings.max_query_cost),
    ]
    extensions: list = [
        # Sets the parser's token limit, so it must come before the parser cache that parses with it.
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(limit_rules),
        lambda: ValidationCache(maxsize=512),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    if settings.compiled_plans:
        from schema.achievements.compiled import CompiledPlans

        extensions.append(CompiledPlans)
    return extensions
