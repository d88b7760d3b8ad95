"""The 全县 page on a generated county with its catalogue: exactly the planted deviations and spreads."""

from __future__ import annotations

import pytest
from dashboard_support import open_page
from streamlit.testing.v1 import AppTest

from county_fixture import load_generated_county
from dashboard_support import APP
from graphmodel import open_store
from queries.catalogue import catalogue_example


def _app(data_dir, monkeypatch) -> AppTest:
    """The dashboard on the embedded store in ``data_dir``, first run done."""
    monkeypatch.setenv("DUTYGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.delenv("DUTYGRAPH_STORE", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    return at


@pytest.fixture
def county_app(tmp_path, monkeypatch):
    d = tmp_path / "data"
    truth = load_generated_county(tmp_path, d)
    at = _app(d, monkeypatch)
    return open_page(at, "county"), truth


def _frames(at):
    return [df.value for df in at.dataframe]


def test_county_page_shows_the_planted_deviations_and_spread(county_app):
    at, truth = county_app
    assert not at.exception and not at.error
    assert at.title[0].value == "全县"
    frames = _frames(at)
    heat, rank, diffs, spread, depts = frames
    towns = sorted(t["name"] for t in truth["townships"])
    assert sorted(heat.index) == towns and sorted(rank["乡镇"]) == towns  # the catalogue is no township here
    want = sorted((t["name"], kind, n) for t in truth["townships"] for kind, names in t["catalogue"].items()
                  for n in names)
    labels = {"目录事项缺失": "missing", "乡镇新增事项": "added", "清单类别不同": "part_differs", "牵头部门不同": "lead_differs"}
    got = sorted((r["乡镇"], labels[r["差异"]], r["事项"]) for _, r in diffs.iterrows())
    assert got == want
    assert sorted(spread["事项"]) == truth["counties"][0]["lead_spread"]
    assert (depts["乡镇数"] <= 3).all() and len(depts) > 0


def test_county_page_keeps_list_text_as_data(tmp_path, monkeypatch):
    d = tmp_path / "data"
    ref, town = catalogue_example()
    hostile = "**粗体**<script>alert(1)</script>"
    with open_store("memory", data_dir=d) as s:
        s.replace_township(ref)
        town.items = [type(i)(**{**{f: getattr(i, f) for f in i.__slots__}, "name": hostile})
                      if i.name == "养犬登记" else i for i in town.items]
        s.replace_township(town)
    at = _app(d, monkeypatch)
    open_page(at, "county")
    assert not at.exception and not at.error
    assert hostile in list(_frames(at)[2]["事项"])  # in a table cell, verbatim
    assert all(hostile not in m.value and "<script>" not in m.value for m in at.markdown)


def test_a_catalogue_is_no_township_in_the_pickers_but_is_the_catalogue_on_the_county_page(tmp_path, monkeypatch):
    from queries._examples import ListBuilder

    d = tmp_path / "data"
    ref, town = catalogue_example()
    other = ListBuilder("乙镇", county="东河县")
    other.item("宅基地审批", code="DH-001", leads=["农业农村办"])
    with open_store("memory", data_dir=d) as s:
        for tl in (ref, town, other.build()):
            s.replace_township(tl)
    at = _app(d, monkeypatch)
    assert not at.exception
    assert at.sidebar.selectbox(key="township").options == ["全部乡镇", "乙镇", "甲镇"]
    items = {m.label: m.value for m in at.metric}
    assert items["事项"] == "4"  # 甲镇 3 + 乙镇 1; the catalogue's 3 are not counted
    assert all("通用目录" not in m.label for m in at.metric)  # no score for the catalogue
    open_page(at, "coverage")
    assert not at.exception
    assert "东河县通用目录" not in list(at.dataframe[-1].value.columns)
    for page in ("rounds", "minutes", "board"):
        open_page(at, page)
        assert not at.exception
        assert all("东河县通用目录" not in str(o) for sb in at.selectbox for o in sb.options), page
    open_page(at, "county")
    assert at.selectbox(key="county_catalogue").options == ["东河县通用目录"]
    assert sorted(at.dataframe[1].value["乡镇"]) == ["乙镇", "甲镇"]


def test_county_department_page_items_townships_and_uneven(county_app):
    from queries.county import county_department_items, county_department_load

    at, truth = county_app
    at = open_page(at, "county_department")
    assert not at.exception and not at.error
    assert at.title[0].value == "县级部门"
    box = at.selectbox(key="county_dept")
    county = truth["counties"][0]["county"]
    spreads = {(d.county, d.department): d for d in county_department_load(_store(at))}
    # the most leaned-on department first; options are names, never keys
    assert all(not o.startswith("dept:") for o in box.options)
    for name in ("县自然资源局", box.value[1]):
        if (county, name) not in spreads:
            continue
        box.set_value((county, name)).run()
        assert not at.exception
        items, towns, *rest = [df.value for df in at.dataframe]
        want = county_department_items(_store(at), name, county)
        assert sorted(zip(items["事项"], items["乡镇"], items["角色"], strict=True)) == sorted(
            (r.duty, r.township, {"leads": "牵头", "cooperates": "配合"}[r.role]) for r in want)
        assert sorted(towns["乡镇"]) == sorted({r.township for r in want})
        assert sum(towns["牵头事项"]) == spreads[(county, name)].leads
        uneven = rest[0] if rest else None
        if spreads[(county, name)].uneven:
            assert sorted(uneven["事项"]) == sorted(d for d, _, _ in spreads[(county, name)].uneven)
        assert not any(str(v).startswith(("dept:", "item:")) for df in at.dataframe for v in df.value.to_numpy().ravel())


def _store(at):
    import os

    return open_store("memory", data_dir=os.environ["DUTYGRAPH_DATA_DIR"])
