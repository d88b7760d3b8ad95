"""What-if, lookup and neighbourhood."""

from __future__ import annotations

import pytest

from graphmodel import NotFound
from queries import lookup, neighbourhood, whatif


def test_what_if_nothing_changes_nothing(example):
    w = whatif.what_if(example)
    assert w.unchanged and w.lead_changes == () and w.broken_chains == ()


def test_what_if_remove_and_merge(example):
    w = whatif.what_if(example, remove=["综合行政执法队"])
    assert {i.name for i in w.lost_lead} == {"消防安全检查", "责令停止违法建设", "农村生活垃圾清运保洁"}
    assert [names for _, names in w.broken_chains] == [("消防安全检查",), ("责令停止违法建设",)]
    assert [f.kind for f in w.resolved_overlaps] == ["overlap.near_duplicate"]
    m = whatif.what_if(example, merge={"自然资源所": "农业农村办"})
    assert [f.subject for f in m.resolved_overlaps] == ["农村宅基地审批管理"]
    assert m.lost_lead == ()
    assert ("dept:示例镇:自然资源所", "dept:示例镇:农业农村办") in m.merged
    with pytest.raises(NotFound):
        whatif.what_if(example, remove=["不存在办"])


def test_lookup_ranks_name_hits_first(example):
    hits = lookup.lookup(example, "消防安全检查")
    assert hits[0].item.name == "消防安全检查" and hits[0].leads == ("综合行政执法队",)
    assert hits[0].time_limit == "20个工作日" and hits[0].bases == ("《消防法》第三十一条",)
    names = [h.item.name for h in lookup.lookup(example, "垃圾 谁负责")]
    assert set(names[:2]) == {"农村生活垃圾治理", "农村生活垃圾清运保洁"}
    villages = lookup.lookup(example, "农村生活垃圾治理")[0].villages
    assert villages == (("东村", "日常保洁"), ("西村", "日常保洁"))


def test_lookup_content_hits_rank_below_name_hits(build, load):
    build.item("秸秆禁烧巡查", leads=["农业农村办"])
    build.item("大气污染防治", leads=["县生态环境局"], content="包括秸秆禁烧宣传")
    names = [h.item.name for h in lookup.lookup(load(build), "秸秆禁烧")]
    assert names == ["秸秆禁烧巡查", "大气污染防治"]


def test_neighbourhood_limit_reports_the_cut(example):
    key = "item:示例镇:code:SL-001"
    full = neighbourhood.neighbourhood(example, key, depth=2)
    assert not full.truncated and dict(full.distances)[key] == 0
    cut = neighbourhood.neighbourhood(example, key, depth=2, limit=4)
    assert len(cut.nodes) == 4 and cut.cut_nodes == len(full.nodes) - 4
    assert cut.cut_relations == len(full.relations) - len(cut.relations)
    assert key in {n.key for n in cut.nodes}
