"""The typed per-request context: who is calling, the request, and its DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schema.loaders import Loaders
from service.security import Actor


@dataclass
class Context:
    request: Any
    response: Any
    actor: Actor | None = None
    bad_credentials: bool = False
    request_id: str = ""
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.actor)

    def after_write(self) -> None:
        """A write happened: drop what this request cached, so later fields read fresh rows."""
        self.loaders = Loaders(self.actor)
