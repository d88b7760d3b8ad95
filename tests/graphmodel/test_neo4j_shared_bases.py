"""Shared legal bases under concurrent imports on Neo4j (cypher.LOCK_BASES).

Township A stops citing a law that only it cites while township B, in a transaction not yet
committed, starts citing it. Without the basis lock, A reads the citers (B's uncommitted
citation is invisible), finds the law orphaned and deletes it with B's citation once B commits.
"""

from __future__ import annotations

import threading
import time

import pytest

from graphmodel import ItemFilter, open_store
from graphmodel.neo4j_store import _replace_work
from queries._examples import ListBuilder

pytestmark = pytest.mark.neo4j

LAW = "《中华人民共和国消防法》第三十一条"


def _list(township: str, cites: bool):
    b = ListBuilder(township)
    b.item("消防安全检查", leads=["综合行政执法队"], bases=[LAW] if cites else ["《城乡规划法》第六十五条"], code="X-1")
    return b.build()


def test_a_basis_another_import_starts_citing_is_not_deleted_as_orphan(neo4j_server):
    uri, user, password, database = neo4j_server
    store = open_store("neo4j", uri=uri, user=user, password=password, database=database)
    try:
        store.wipe()
        store.replace_township(_list("甲镇", cites=True))
        b_list = _list("乙镇", cites=True)
        with store._driver.session(database=database) as session:
            tx = session.begin_transaction()  # B's import, held open
            _replace_work(tx, b_list, False)
            errors: list[BaseException] = []

            def a_drops_the_law():
                try:
                    store.replace_township(_list("甲镇", cites=False))
                except BaseException as e:  # noqa: BLE001 - reported below
                    errors.append(e)

            a = threading.Thread(target=a_drops_the_law)
            a.start()
            time.sleep(3)  # A reaches the lock (or, without it, has read the citers)
            tx.commit()
            a.join(timeout=120)
        assert not errors, errors
        law = [basis.key for basis in b_list.bases]
        assert [basis.key for basis in store.item_cards(ItemFilter(township="乙镇"))[0].bases] == law
        assert [basis.key for basis in store.item_cards(ItemFilter(township="甲镇"))[0].bases] != law
    finally:
        store.wipe()
        store.close()
