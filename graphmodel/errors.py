"""The one exception tree of dutygraph: every error we raise is a DutyGraphError."""

from __future__ import annotations

__all__ = [
    "DutyGraphError",
    "InvalidArgument",
    "LoadError",
    "NotFound",
    "SchemaVersionError",
    "StoreUnavailable",
]


class DutyGraphError(Exception):
    """Root of every error dutygraph raises on purpose."""


class InvalidArgument(DutyGraphError, ValueError):
    """A caller passed a value outside what the function accepts."""


class NotFound(DutyGraphError, KeyError):
    """A node, township or store asked for by name does not exist."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "not found"


class StoreUnavailable(DutyGraphError):
    """The store cannot be opened or reached (server down, bad credentials, locked file)."""


class SchemaVersionError(DutyGraphError):
    """A saved store was written by an incompatible version of dutygraph."""


class LoadError(DutyGraphError):
    """A duty list could not be imported; ``problems`` lists every reason found.

    The problems are objects with ``file, sheet, row, column, value, code, message``
    (see :class:`loaders.problems.Problem`); this module only carries them.
    """

    def __init__(self, message: str, problems: list | tuple = ()):  # noqa: D107
        super().__init__(message)
        self.problems = list(problems)
