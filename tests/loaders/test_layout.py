"""The township records which columns each part's sheet had (Township.layout)."""

from __future__ import annotations

from pathlib import Path

import loaders
from loaders import read_list

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"


def test_layout_lists_each_parts_columns():
    t = read_list(SAMPLE).tlist.township
    assert list(t.layout) == sorted(t.layout) and t.layout == read_list(SAMPLE).tlist.township.layout
    # the sample's 收回 sheet has no 办理时限 and no 实施程序; its 基本 sheet has both
    assert {"time_limit", "procedure", "basis", "code"} <= t.columns("基本履职事项")
    assert "time_limit" not in t.columns("上级部门收回事项") and "work_mode" in t.columns("上级部门收回事项")
    assert "upper_duty" in t.columns("配合履职事项") and "procedure" not in t.columns("配合履职事项")


def test_layout_survives_the_store(store):
    tl = read_list(SAMPLE).tlist
    store.replace_township(tl)
    assert store.townships()[0].layout == tl.township.layout
