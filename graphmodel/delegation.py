"""赋权: a province's or county's published decision delegating powers to townships, one entry per item.

A township may exercise a 行政许可/处罚/强制/征收/检查 that no law gives it when such a decision
(typically after 综合行政执法改革) hands it over. The list is imported per township
(``loaders.delegations``) and kept with the township's review records (kind ``Delegation``),
so both stores hold it and an import writes an audit entry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Delegation", "DelegationList"]


@dataclass(frozen=True, slots=True, order=True)
class Delegation:
    """One delegated item: its name (and 事项编码 when the decision gives one), the document and its date."""

    item: str
    document: str
    date: str = ""
    code: str = ""
    source: str = ""  # file and row it was read from

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Delegation":
        return cls(**{k: str(data.get(k, "")) for k in ("item", "document", "date", "code", "source")})


@dataclass(frozen=True, slots=True)
class DelegationList:
    """A township's 赋权 list as stored: the entries, who imported it, when, from which file."""

    township: str
    entries: tuple[Delegation, ...]
    imported_by: str = ""
    imported_at: str = ""
    file: str = ""
