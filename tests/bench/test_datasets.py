"""The benchmark's counties: the lists ``bench/datasets.in_counties`` gives are what the loader reads."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from datasets import county_of, in_counties  # noqa: E402

from loaders import read_list  # noqa: E402
from loaders.generate import generate_township, township_names, write_township  # noqa: E402


def _sorted(tlist):
    by_key = lambda n: n.key  # noqa: E731
    return (tlist.township, sorted(tlist.items, key=by_key), sorted(tlist.departments, key=by_key),
            sorted(tlist.villages, key=by_key), sorted(tlist.bases, key=by_key),
            sorted(tlist.relations, key=lambda r: (r.src, r.type, r.dst, r.text)))


def test_in_counties_is_what_read_list_reads_with_the_county(tmp_path):
    names = township_names(22)
    picked = (0, 19, 20, 21)  # both sides of the first county's end
    files = []
    for index in picked:
        folder = tmp_path / f"{index:04d}"
        write_township(generate_township(index, 40, 0, names[index]), folder)
        files.append(sorted(folder.iterdir()))
    plain = [read_list(fs).tlist for fs in files]
    # in_counties numbers townships from 0: pad so that each picked list sits at its own index
    padded = {i: t for i, t in zip(picked, plain, strict=True)}
    full = [padded.get(i, plain[0]) for i in range(max(picked) + 1)]
    got = in_counties(full)
    assert [county_of(i) for i in picked] == ["第1县", "第1县", "第2县", "第2县"]
    for index, fs in zip(picked, files, strict=True):
        expected = read_list(fs, county=county_of(index)).tlist
        assert expected.township.county == county_of(index)
        assert any(d.county for d in expected.departments)  # the county departments are shared nodes
        assert _sorted(got[index]) == _sorted(expected)
    assert plain[0].township.county == ""  # the files name no county: the lists read alone have none
