"""A generated county with its catalogue, imported into an embedded store: the 全县 page's tests
(AppTest and Chromium) read the same one."""

from __future__ import annotations

from pathlib import Path

from graphmodel import open_store
from loaders import read_list
from loaders.generate_county import generate_counties

__all__ = ["load_generated_county"]


def load_generated_county(root: Path, data_dir: Path) -> dict:
    """Generate two counties under ``root`` and import the first (catalogue, then its three
    townships) into ``data_dir``; returns the generator's ground truth."""
    out = root / "gen"
    truth = generate_counties(out, townships=3, items_per_township=30, seed=3)
    with open_store("memory", data_dir=data_dir) as s:
        c = truth["counties"][0]
        s.replace_township(read_list([out / c["folder"] / f for f in c["files"]], township=c["catalogue"],
                                     county=c["county"], catalogue_of=c["county"]).tlist)
        for t in truth["townships"]:
            s.replace_township(read_list([out / t["folder"] / f for f in t["files"]], township=t["name"],
                                         county=t["county"]).tlist)
    return truth
