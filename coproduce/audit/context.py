"""Who is making the current change. Set by middleware for web requests and by `acting_as`
for commands and background tasks, read by the audit service."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    on_behalf_of_id: int | None = None
    on_behalf_of_name: str = ""


SYSTEM = Actor(user_id=None, name="Coproduce (system)")
_current: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def actor_for(user: Any, on_behalf_of: Any = None) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return SYSTEM
    return Actor(
        user_id=user.pk,
        name=str(user),
        on_behalf_of_id=getattr(on_behalf_of, "pk", None),
        on_behalf_of_name=str(on_behalf_of) if on_behalf_of is not None else "",
    )


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(user: Any, on_behalf_of: Any = None) -> Iterator[Actor]:
    actor = actor_for(user, on_behalf_of)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
