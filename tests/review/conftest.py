"""Fixtures for the review tests: the bundled sample township loaded into the parametrised `store`."""

from __future__ import annotations

import pytest
from review_support import SAMPLE

from loaders import read_list


@pytest.fixture(scope="session")
def sample_list():
    return read_list(SAMPLE).tlist


@pytest.fixture
def sample(store, sample_list):
    """The store holding the sample township (round 1)."""
    store.replace_township(sample_list, editor="导入员")
    return store
