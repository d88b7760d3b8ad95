"""Minutes name findings by their titles and items by their names: no internal key, from the CLI or the dashboard."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from review_support import HOMESTEAD, RELIEF, SAMPLE, TOWN

from cli.main import cli
from graphmodel import open_store
from graphmodel.editors import hash_password
from graphmodel.review import Op
from loaders import read_list
from queries._common import KINDS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))
from page_text import KEY_PATTERNS  # noqa: E402  (the dashboard tests' list of identifiers)


@pytest.fixture
def meeting(tmp_path, monkeypatch):
    """The sample with meeting M1: a decision with the finding's title recorded, one without (an older
    record: kind only), one undone, and one outside any finding."""
    monkeypatch.setenv("DUTYGRAPH_EDITORS", json.dumps({"王五": hash_password("pw")}))
    d = tmp_path / "data"
    with open_store("memory", data_dir=d) as s:
        s.replace_township(read_list([SAMPLE]).tlist)
        m = s.record_meeting(TOWN, "边界研讨", "2025-03-12", ["张三"], editor="王五")
        s.record_decision(TOWN, [Op("set_lead", HOMESTEAD, "农业农村服务中心")], editor="王五", meeting=m.id,
                          finding={"kind": "overlap.multi_lead", "subject": "农村宅基地审批"})
        u = s.record_decision(TOWN, [Op("set_lead", RELIEF, "社会事务办")], editor="王五", meeting=m.id,
                              finding={"kind": "gap.no_lead", "title": KINDS["gap.no_lead"].title,
                                       "subject": "自然灾害受灾群众救助"})
        s.undo_decision(TOWN, u.id, editor="王五", reason="重议")
        s.record_decision(TOWN, [Op("add_basis", HOMESTEAD, "《城乡规划法》第六十五条")], editor="王五", meeting=m.id)
    return d


def _check(text: str) -> None:
    leaked = {name: p.findall(text) for name, p in KEY_PATTERNS.items() if p.search(text)}
    assert not leaked, leaked
    assert f"{KINDS['overlap.multi_lead'].title}：农村宅基地审批" in text
    assert f"{KINDS['gap.no_lead'].title}：自然灾害受灾群众救助" in text
    assert "「农村宅基地审批」确定牵头部门：农业农村服务中心" in text


def _docx_text(path_or_bytes) -> str:
    import io

    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return "\n".join(p.text for p in docx.Document(src).paragraphs)


def test_cli_minutes_name_findings_and_items(meeting, tmp_path):
    runner = CliRunner()
    for name in ("minutes.md", "minutes.docx"):
        out = tmp_path / name
        r = runner.invoke(cli, ["--data-dir", str(meeting), "export", "--minutes", "M1", "-o", str(out)])
        assert r.exit_code == 0, r.output
        _check(out.read_text(encoding="utf-8") if name.endswith(".md") else _docx_text(out))


def test_dashboard_minutes_name_findings_and_items(meeting, monkeypatch):
    monkeypatch.setenv("DUTYGRAPH_DATA_DIR", str(meeting))
    monkeypatch.delenv("DUTYGRAPH_STORE", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    from dashboard import review, state

    state.reload_store()
    _check(review.minutes_md(TOWN, "M1").decode("utf-8"))
    _check(_docx_text(review.minutes_docx(TOWN, "M1")))


def test_cli_decide_records_the_finding_title(meeting):
    r = CliRunner().invoke(cli, ["--data-dir", str(meeting), "decide", "record", "--item", "XXZ-JB-070", "--set-lead",
                                 "环卫所", "--finding", "overlap.multi_lead", "--meeting", "M1", "--editor", "王五"],
                           env={"DUTYGRAPH_PASSWORD": "pw"})
    assert r.exit_code == 0, r.output
    with open_store("memory", data_dir=meeting) as s:
        assert dict(s.decisions(TOWN)[-1].finding)["title"] == KINDS["overlap.multi_lead"].title


