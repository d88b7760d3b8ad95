"""The dashboard sees what another process wrote to the embedded store since it opened it."""

from __future__ import annotations

import sys
from pathlib import Path

from graphmodel.memory_store import MemoryStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "graphmodel"))

from test_memory_file import small_list  # noqa: E402


def test_a_township_imported_by_the_cli_appears_on_the_next_run(app, data_dir):
    before = list(app.sidebar.selectbox(key="township").options)
    assert "外来镇" not in before
    MemoryStore(data_dir).replace_township(small_list("外来镇"), editor="命令行")  # another process's write
    app.run()
    after = list(app.sidebar.selectbox(key="township").options)
    assert "外来镇" in after and set(before) <= set(after)
