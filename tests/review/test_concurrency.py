"""Two editors recording decisions at the same time, each with its own store connection: none is lost."""

from __future__ import annotations

import threading

import pytest
from review_support import TOWN

from graphmodel import ItemFilter, open_store
from graphmodel.review import Op


def _second_connection(store, neo4j_server, tmp_path):
    if store.name == "neo4j":
        uri, user, password, database = neo4j_server
        return lambda: open_store("neo4j", uri=uri, user=user, password=password, database=database)
    return lambda: store  # one process, one embedded store: its lock serialises the threads


@pytest.mark.parametrize("writers", [4])
def test_concurrent_decisions_are_all_kept(sample, request, tmp_path, writers):
    server = request.getfixturevalue("neo4j_server") if sample.name == "neo4j" else None
    connect = _second_connection(sample, server, tmp_path)
    cards = sample.item_cards(ItemFilter(township=TOWN, parts=("基本履职事项",)))
    targets = [c.key for c in cards if not any(p.name == "党政综合办" for p in (*c.leads, *c.cooperators))][: writers * 3]
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def work(n: int) -> None:
        s = connect()
        try:
            barrier.wait()
            for key in targets[n::writers]:
                s.record_decision(TOWN, [Op("add_cooperator", key, "党政综合办")], editor=f"编辑{n}")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            if s is not sample:
                s.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    decisions = sample.decisions(TOWN)
    assert len(decisions) == len(targets) and len({d.id for d in decisions}) == len(targets)
    after = {c.key: c for c in sample.item_cards(ItemFilter(keys=tuple(targets)))}
    assert all("党政综合办" in [p.name for p in after[k].cooperators] for k in targets)
    assert sorted(e.seq for e in sample.audit_trail(TOWN)) == list(range(1, len(sample.audit_trail(TOWN)) + 1))
