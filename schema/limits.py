"""Schema-wide abuse limits (depth, aliases, tokens), caches, and the introspection switch, from settings."""

from __future__ import annotations

from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from service.config import Settings


def abuse_extensions(settings: Settings) -> list:
    """Factories (one fresh instance per request); operation-level only, since per-field extensions
    would cost time on every resolved field."""
    extensions: list = [
        # Sets the parser's token limit, so it must come before the parser cache that parses with it.
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=512),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: ValidationCache(maxsize=512),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return extensions
