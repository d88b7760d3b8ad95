"""The domain model of a duty list and the stores that hold it (the ground floor)."""

from .errors import DutyGraphError, InvalidArgument, LoadError, NotFound, SchemaVersionError, StoreUnavailable
from .model import Department, DutyItem, LegalBasis, Node, Relation, Subgraph, Township, TownshipList, Village
from .store import STORES, DutyStore, ImportResult, ItemCard, ItemFilter, Party, StoreCounts, default_data_dir, open_store
from .vocab import NODE_TYPES, POWER_TYPES, REL_TYPES, DeptLevel, ListPart, NodeType, RelType

__all__ = [
    "NODE_TYPES", "POWER_TYPES", "REL_TYPES", "STORES",
    "Department", "DeptLevel", "DutyGraphError", "DutyItem", "DutyStore", "ImportResult",
    "InvalidArgument", "ItemCard", "ItemFilter", "LegalBasis", "ListPart", "LoadError", "Node",
    "NodeType", "NotFound", "Party", "Relation", "RelType", "SchemaVersionError", "StoreCounts",
    "StoreUnavailable", "Subgraph", "Township", "TownshipList", "Village", "default_data_dir", "open_store",
]
