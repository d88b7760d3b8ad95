"""A number from the environment, with a default when it is unset, blank or not a number."""

from __future__ import annotations

import os
from typing import TypeVar

__all__ = ["env_number"]

N = TypeVar("N", int, float)


def env_number(name: str, default: N, least: N) -> N:
    """``$name`` as the type of ``default``, at least ``least``; ``default`` when unset or unreadable.

    >>> import os
    >>> os.environ["DUTYGRAPH_DOCTEST_N"] = " 0 "
    >>> env_number("DUTYGRAPH_DOCTEST_N", 5, 1), env_number("DUTYGRAPH_DOCTEST_UNSET", 2.5, 0.1)
    (1, 2.5)
    >>> os.environ["DUTYGRAPH_DOCTEST_N"] = "many"
    >>> env_number("DUTYGRAPH_DOCTEST_N", 5, 1)
    5
    """
    raw = os.environ.get(name, "").strip()
    try:
        return max(least, type(default)(raw)) if raw else default
    except ValueError:
        return default
