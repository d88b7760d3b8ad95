"""Errors end a command with one clear line (or a JSON error report) and exit code 1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from report_shape import assert_report

from cli.main import cli

UNREACHABLE = "bolt://127.0.0.1:1"  # nothing listens on port 1


@pytest.mark.parametrize("args", [["info", "--json"], ["audit", "--format", "json"]])
def test_unreachable_neo4j_is_a_json_error_report(args):
    result = CliRunner().invoke(cli, ["--neo4j-uri", UNREACHABLE, *args])
    assert result.exit_code == 1
    report = assert_report(json.loads(result.stdout), ok=False)
    assert UNREACHABLE in report["error"] and "NEO4J_URI" in report["error"]


def test_unreachable_neo4j_is_one_line_not_a_traceback():
    result = CliRunner().invoke(cli, ["--neo4j-uri", UNREACHABLE, "info"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误 Error:") and UNREACHABLE in lines[0]


def test_a_damaged_store_file_names_the_file(tmp_path):
    (tmp_path / "dutygraph.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "info"])
    assert result.exit_code == 1 and str(tmp_path / "dutygraph.json") in result.output
