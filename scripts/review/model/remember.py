"""Work remembered across builds of one process: a value computed from content data is kept while its arguments
are the very same objects. The Session's Reader (load.py) parses a file again only when its text changed, so
after a save every unchanged file's data is the same dicts as before, and what was computed from them (a study's
citation item, an entity's references) is not computed again. A test renders through a remembering Session after
random edits and compares every page with a render from nothing (tests/test_incremental.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
LIMIT = 60_000  # entries kept per function before it starts again (a process that parses many reviews)


def by_identity(function: Callable[..., T]) -> Callable[..., T]:
    """Remember function(*args) while every argument is the same object (compared with `is`, never `==`, so a
    changed file's new data is never mistaken for the old). The result must not be changed by its callers."""
    memo: dict[tuple, tuple[tuple, Any]] = {}

    @functools.wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> T:
        names = tuple(sorted(kwargs))
        given = (*args, *(kwargs[name] for name in names))
        key = (names, *map(id, given))
        held = memo.get(key)
        if held is not None and len(held[0]) == len(given) and all(a is b for a, b in zip(held[0], given, strict=True)):
            return held[1]
        value = function(*args, **kwargs)
        if len(memo) >= LIMIT:
            memo.clear()
        memo[key] = (given, value)
        return value

    return remembered
