"""The execution context: graphql-core's, stopping at the request's deadline even when no resolver awaits.

Completing lists of values already in memory (the kecamatan and their desa, say) never yields to the event
loop, so a cancelled task would go on until the whole answer is built. Each list checks the deadline first.

Lists of objects whose fields resolve asynchronously are the other half: graphql-core runs every item's
resolver as a task of its own, tens of thousands for a nested query. When the deadline passes, one task
raises and the others, already scheduled, would each still run its resolver (a database query, rows turned
into objects) before reaching the next list; the 504 came seconds late and the worker stayed busy after it.
Every awaited resolver therefore checks the deadline before it starts: past it, each remaining task ends at
its first step, without running anything."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import Any, TypeVar

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from service import deadlines

T = TypeVar("T")


class DeadlineExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def complete_list_value(self, *args: Any, **kwargs: Any) -> Any:
        if deadlines.passed():
            # Not raised here: the awaitables of the fields and items already started would be dropped
            # unawaited. An awaitable that fails is gathered with them, and each of them stops at its start.
            return _abandoned()
        return super().complete_list_value(*args, **kwargs)

    async def with_abort_signal(self, awaitable: Awaitable[T]) -> T:
        # graphql-core awaits every resolver's result (and every awaitable list item) through here.
        if deadlines.passed():
            if inspect.iscoroutine(awaitable):
                awaitable.close()  # never started: closed, so that it is not reported as never awaited
            raise deadlines.DeadlineExceeded
        if self.abort_signal is None:
            return await awaitable
        return await super().with_abort_signal(awaitable)


async def _abandoned() -> Any:
    raise deadlines.DeadlineExceeded
