"""Generated counties: the catalogue comparison and the lead spread find exactly the planted deviations."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import read_list
from loaders.generate_county import DEVIATIONS, catalogue_name, generate_counties
from queries.catalogue import compare
from queries.county import lead_spread


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    truth = generate_counties(out, townships=4, items_per_township=40, seed=7)
    return out, truth


def _load(store, out: Path, truth: dict) -> None:
    for c in truth["counties"]:
        files = [out / c["folder"] / f for f in c["files"]]
        store.replace_township(read_list(files, township=c["catalogue"], county=c["county"],
                                         catalogue_of=c["county"]).tlist)
    for t in truth["townships"]:
        files = [out / t["folder"] / f for f in t["files"]]
        store.replace_township(read_list(files, township=t["name"], county=t["county"]).tlist)


def test_ground_truth_plants_every_deviation(county):
    _, truth = county
    assert [c["catalogue"] for c in truth["counties"]] == [catalogue_name("第1县")]
    for t in truth["townships"]:
        assert {k: len(v) for k, v in t["catalogue"].items()} == DEVIATIONS


def test_same_seed_same_files(county, tmp_path):
    out, truth = county
    again = generate_counties(tmp_path, townships=4, items_per_township=40, seed=7)
    assert again == truth
    for t in truth["townships"]:
        for f in t["files"]:
            assert (tmp_path / t["folder"] / f).read_bytes() == (out / t["folder"] / f).read_bytes()


def test_compare_and_lead_spread_find_exactly_the_planted(store, county):
    out, truth = county
    _load(store, out, truth)
    got: dict[str, dict[str, list[str]]] = {t["name"]: {k: [] for k in DEVIATIONS} for t in truth["townships"]}
    for d in compare(store, catalogue_name("第1县")):
        got[d.township][d.kind].append(d.name)
    want = {t["name"]: t["catalogue"] for t in truth["townships"]}
    assert {t: {k: sorted(v) for k, v in kinds.items()} for t, kinds in got.items()} == want
    spread = sorted(s.duty for s in lead_spread(store))
    assert spread == truth["counties"][0]["lead_spread"] and spread
    # every county department is one node shared by the county's townships and its catalogue
    shared = [d for d in store.nodes("Department") if d.level == "县级部门"]
    assert shared and all(d.township == "" and d.county == "第1县" for d in shared)
