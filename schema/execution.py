"""The execution context: graphql-core's, stopping at the request's deadline even when no resolver awaits.

Completing lists of values already in memory (the kecamatan and their desa, say) never yields to the event
loop, so a cancelled task would go on until the whole answer is built. Each list checks the deadline first."""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from service import deadlines


class DeadlineExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def complete_list_value(self, *args: Any, **kwargs: Any) -> Any:
        deadlines.check()
        return super().complete_list_value(*args, **kwargs)
