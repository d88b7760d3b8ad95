"""Helpers for query tests: build small lists by name and load them into the parametrised `store`."""

from __future__ import annotations

import pytest

from queries._examples import ListBuilder, example_list


@pytest.fixture
def build():
    """A fresh ListBuilder for 测试镇 (villages 东村, 西村, 南社区)."""
    return ListBuilder("测试镇", villages=("东村", "西村", "南社区"))


@pytest.fixture
def load(store):
    """load(*builders_or_lists) -> store, with every list replaced into it."""

    def _load(*lists):
        for tl in lists:
            store.replace_township(tl.build() if isinstance(tl, ListBuilder) else tl)
        return store

    return _load


@pytest.fixture
def example(load):
    """The store holding 示例镇 (queries._examples.example_list)."""
    return load(example_list())


def subjects(findings, kind=None):
    return [f.subject for f in findings if kind is None or f.kind == kind]
