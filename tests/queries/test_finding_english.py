"""Every finding carries an English message (``Finding.message_en``) with no Chinese of ours.

The English message is built where the Chinese one is, from the same values. List text (item
names, departments, villages, laws, quoted duty texts) stays as written, in corner quotes or as
a name; everything else must be English. A quoted piece must come from the list (or the law
authority table), so our own Chinese cannot hide inside quotes either.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from graphgen import generate

import loaders
from graphmodel import open_store
from loaders import read_list
from queries import run_audit
from queries._common import KIND_TITLES_EN, KINDS
from queries._examples import ListBuilder, example_store, text_store
from queries.authority import load_law_table
from queries.burden import village_overloaded
from queries.chains import chain_findings
from queries.handshake import counterparts

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"「([^」]*)」|《([^》]*)》")


def _sample():
    s = open_store("memory", data_dir=None)
    s.replace_township(read_list([SAMPLE]).tlist)
    return s


def _generated():
    s = open_store("memory", data_dir=None)
    for seed in (1, 7, 42):
        s.replace_township(generate(seed, 120, township=f"生成{seed}镇"))
    return s


def _counterpart_store():
    s = open_store("memory", data_dir=None)
    t = ListBuilder("样例镇")
    t.item("动物防疫", part="配合履职事项", leads=["县农业农村局"])
    t.item("农机安全检查", part="配合履职事项", leads=["县农业农村局"])
    c = ListBuilder("县农业农村局")
    c.item("动物防疫", part="配合履职事项", leads=["县农业农村局"])
    c.item("农药经营许可", part="配合履职事项", leads=["县农业农村局"])
    s.replace_township(t.build())
    s.replace_township(c.build())
    return s


def _list_texts(store) -> tuple[str, list[str]]:
    """(every text of the list joined, the names that may stand unquoted: departments, villages, townships)."""
    texts: set[str] = set()
    for kind in ("Township", "Department", "Village", "LegalBasis", "DutyItem"):
        for n in store.nodes(kind):
            texts |= {v for f in dataclasses.fields(n) if isinstance(v := getattr(n, f.name), str)}
    for c in store.item_cards():
        texts |= {p.text for p in (*c.leads, *c.cooperators, *c.villages)} | {b.label for b in c.bases}
        texts |= {p.name for p in (*c.leads, *c.cooperators, *c.villages)} | {c.item.label}
        texts |= {str(x) for x in c.citations}
    texts |= {row.subject for row in load_law_table().values()}
    names = {n.name for kind in ("Township", "Department", "Village") for n in store.nodes(kind)}
    return "\n".join(texts), sorted(names, key=len, reverse=True)


def _problems(findings, store) -> list[tuple[str, str]]:
    corpus, names = _list_texts(store)
    bad = []
    for f in findings:
        en = f.message_en
        if not en.strip():
            bad.append((f.kind, "no English message"))
            continue
        for m in _QUOTED.finditer(en):
            piece = (m.group(1) or m.group(2) or "").replace("[", "").replace("]", "")
            parts = [p for p in re.split(r" → |：", piece) if p] or [piece]
            if any(_HAN.search(p) and p not in corpus for p in parts):
                bad.append((f.kind, f"quoted text not from the list: {piece!r} in {en!r}"))
        rest = _QUOTED.sub(" ", en)
        for n in names:
            rest = rest.replace(n, " ")
        if _HAN.search(rest):
            bad.append((f.kind, f"Chinese of ours: {rest!r}"))
    return bad


def _cases():
    sample = _sample()
    yield "sample", sample, run_audit(sample).findings
    gen = _generated()
    yield "generated", gen, run_audit(gen).findings
    for name, s in (("example", example_store()), ("text", text_store())):
        yield name, s, run_audit(s).findings
    ex = example_store()
    yield "chains unfolded", ex, chain_findings(ex)  # chain.broken_step is folded into a gap in the audit
    ts = text_store()
    yield "overloaded", ts, village_overloaded(ts, ceiling=2)
    cp = _counterpart_store()
    yield "counterparts", cp, counterparts(cp)


@pytest.fixture(scope="module")
def cases():
    return list(_cases())


def test_every_finding_has_an_english_message_without_chinese_of_ours(cases):
    for name, store, findings in cases:
        assert findings, name
        assert _problems(findings, store) == [], name


def test_the_walk_covers_the_finding_kinds(cases):
    seen = {f.kind for _, _, findings in cases for f in findings}
    # the walk must reach every kind, or the test above proves little
    assert seen == set(KINDS), sorted(set(KINDS) - seen)
    assert set(KIND_TITLES_EN) == set(KINDS)


def test_folded_findings_say_also_in_english(cases):
    folded = [f for _, _, fs in cases for f in fs if f.related]
    assert folded
    for f in folded:
        assert "（同时：" in f.message and " (also: " in f.message_en
        assert all(KIND_TITLES_EN[k] in f.message_en for k in f.related)


def test_the_checker_catches_chinese_of_ours():
    """The same walk on the Chinese messages fails: the check is not vacuous."""
    s = example_store()
    chinese = [dataclasses.replace(f, message_en=f.message) for f in run_audit(s).findings]
    assert _problems(chinese, s)
    hidden = [dataclasses.replace(f, message_en=f"{f.message_en} 「跨层级移交」") for f in run_audit(s).findings[:1]]
    assert _problems(hidden, s)  # our Chinese inside quotes is caught too


def test_cli_message_is_unchanged_chinese(cases):
    """``message`` (the CLI's and the JSON's) stays Chinese; the JSON shape gains no field."""
    for _, _, findings in cases:
        for f in findings:
            assert _HAN.search(f.message)
            assert "message_en" not in f.to_dict()
