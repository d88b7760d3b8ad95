"""Fixed vocabulary of the domain: list parts, power types, department levels, labels."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "DeptLevel",
    "ListPart",
    "NODE_TYPES",
    "POWER_TYPES",
    "PUBLIC_SERVICE",
    "SHARED_SPLIT_PREFIX",
    "REL_TYPES",
    "REVIEW_LABELS",
    "REVIEW_LOCK_LABEL",
    "BASIS_LOCK_LABEL",
    "STAGED_LABEL",
    "ADMIN_IMPORT_LABEL",
    "TOWNSHIP_EVIDENCE_LABEL",
    "TOWNSHIP_STATS_LABEL",
    "REVIEW_REL_TYPES",
    "NodeType",
    "RelType",
]


class ListPart(StrEnum):
    """The three parts of a 2024-25 duty list; UNKNOWN for older power lists without parts."""

    BASIC = "基本履职事项"
    COOPERATE = "配合履职事项"
    WITHDRAWN = "上级部门收回事项"
    UNKNOWN = "未分类"


# The ten power types named in the national guidance, in the guidance's order.
POWER_TYPES: tuple[str, ...] = (
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "其他行政权力",
    "公共服务",
)
PUBLIC_SERVICE = "公共服务"


#: How a written split of duties for a shared item is kept in its 备注 (it travels with the
#: list through export and re-import): "职责分工：环卫所负责保洁；执法队负责查处".
SHARED_SPLIT_PREFIX = "职责分工："


class DeptLevel(StrEnum):
    """Where a department sits: inside the township, a county station in it, or the county."""

    TOWNSHIP = "镇街内设机构"
    STATION = "县派驻机构"
    COUNTY = "县级部门"
    UNKNOWN = "未知"


class NodeType(StrEnum):
    ITEM = "DutyItem"
    DEPARTMENT = "Department"
    VILLAGE = "Village"
    BASIS = "LegalBasis"
    TOWNSHIP = "Township"


class RelType(StrEnum):
    LEADS = "LEADS"  # Department -> DutyItem, text = the department's part
    COOPERATES_ON = "COOPERATES_ON"  # Department -> DutyItem, text = its part
    BASED_ON = "BASED_ON"  # DutyItem -> LegalBasis, text = the citation as written
    ASSISTS = "ASSISTS"  # Village -> DutyItem, text = the village's role
    FOLLOWED_BY = "FOLLOWED_BY"  # DutyItem -> DutyItem, next step of a chain
    IN_TOWNSHIP = "IN_TOWNSHIP"  # DutyItem/Department/Village -> Township


NODE_TYPES: tuple[str, ...] = tuple(t.value for t in NodeType)
REL_TYPES: tuple[str, ...] = tuple(t.value for t in RelType)

#: Labels of the review records in Neo4j (graphmodel.review; ReviewLock serialises writers per township).
REVIEW_LABELS: tuple[str, ...] = ("Meeting", "Decision", "Round", "ChangeRequest", "AuditEntry", "ReviewSettings",
                                  "Delegation")
REVIEW_LOCK_LABEL = "ReviewLock"
#: Lock nodes an import takes on the shared legal bases it starts or stops citing (graphmodel.neo4j_store).
BASIS_LOCK_LABEL = "BasisLock"
#: Nodes of a list being staged, or of the list a staged import replaced (graphmodel.neo4j_staged).
STAGED_LABEL = "Staged"
#: The marker a neo4j-admin import leaves until a store has finished it (graphmodel.neo4j_import_csv).
ADMIN_IMPORT_LABEL = "AdminImport"
#: A township's aggregates kept at write time on Neo4j (graphmodel.township_stats).
TOWNSHIP_STATS_LABEL = "TownshipStats"
#: A township's item evidence kept at write time on Neo4j (graphmodel.township_evidence).
TOWNSHIP_EVIDENCE_LABEL = "TownshipEvidence"
#: Relations from review records: a decision CHANGED items and was TAKEN_AT a meeting; a change
#: request CONCERNS an item and was REVIEWED_AT a meeting.
REVIEW_REL_TYPES: dict[str, str] = {"CHANGED": "DutyItem", "CONCERNS": "DutyItem", "TAKEN_AT": "Meeting",
                                    "REVIEWED_AT": "Meeting"}
