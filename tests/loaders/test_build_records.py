"""The records build makes through their slots are the ones the dataclasses' constructors make."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from graphmodel.model import DutyItem, LegalBasis, Relation
from graphmodel.normalize import basis_key, parse_basis
from loaders.build import _ITEM_FIELDS, _cited, _duty_item, _relation


def _item_values() -> list[object]:
    values: list[object] = [f"文本{i}" for i in range(len(_ITEM_FIELDS))]
    for name, value in (("extra", (("备注2", "甲"),)), ("filled", ("category",)), ("village_groups", ()),
                        ("same_duty", ("item:甲镇:name:乙@配合履职事项",)), ("source_row", 12)):
        values[_ITEM_FIELDS.index(name)] = value
    return values


def test_item_fields_are_the_dataclass_fields_in_order():
    assert _ITEM_FIELDS == tuple(f.name for f in dataclasses.fields(DutyItem))


def test_slot_made_item_equals_the_constructed_one():
    values = _item_values()
    made, constructed = _duty_item(*values), DutyItem(*values)
    assert made == constructed and hash(made) == hash(constructed) and repr(made) == repr(constructed)
    assert pickle.loads(pickle.dumps(made)) == constructed
    assert made.source == "文本27 / 文本28 第12行"
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "别的"  # type: ignore[misc]


def test_slot_made_relation_equals_the_constructed_one():
    made = _relation("dept:甲镇:农业农村办", "LEADS", "item:甲镇:name:宅基地审批", "牵头审核")
    constructed = Relation("dept:甲镇:农业农村办", "LEADS", "item:甲镇:name:宅基地审批", "牵头审核")
    assert made == constructed and hash(made) == hash(constructed) and repr(made) == repr(constructed)
    assert sorted([made, Relation("a", "LEADS", "b")]) == sorted([constructed, Relation("a", "LEADS", "b")])
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.text = "x"  # type: ignore[misc]


def test_cited_cells_are_parsed_as_parse_basis_reads_them():
    cell = "《中华人民共和国土地管理法》第六十二条、第七十八条；《城乡规划法》第六十五条"
    keys = [basis_key(c.law, c.article) for c in parse_basis(cell)]
    expected = [(k, LegalBasis(k, c.law, c.article), c.text) for k, c in zip(keys, parse_basis(cell))]
    assert list(_cited(cell)) == expected and len(expected) == 3
    assert _cited(cell) is _cited(cell)  # kept: the county's lists cite the same cells
