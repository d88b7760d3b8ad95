"""`dutygraph dashboard` and `dutygraph demo`: the command they run and the sample they load."""

from __future__ import annotations

from click.testing import CliRunner

from cli.dashboard_commands import APP, streamlit_command, streamlit_env
from cli.context import Settings
from cli.main import cli
from graphmodel import open_store


def test_streamlit_runs_headless_without_usage_statistics():
    cmd = streamlit_command(8600)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4] == str(APP)
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=False))
    assert flags["--server.headless"] == "true"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.port"] == "8600" and flags["--server.address"] == "127.0.0.1"


def test_store_settings_reach_the_app_through_the_environment(tmp_path):
    env = streamlit_env(Settings(store_name="memory", data_dir=tmp_path), base={})
    assert env["DUTYGRAPH_STORE"] == "memory" and env["DUTYGRAPH_DATA_DIR"] == str(tmp_path.resolve())
    env = streamlit_env(Settings(neo4j_uri="bolt://127.0.0.1:7687"), base={})
    assert env["NEO4J_URI"] == "bolt://127.0.0.1:7687" and env["DUTYGRAPH_STORE"] == "neo4j"
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"


def test_demo_loads_the_sample_once(tmp_path):
    runner = CliRunner()
    first = runner.invoke(cli, ["--data-dir", str(tmp_path), "demo", "--no-open"])
    assert first.exit_code == 0, first.output
    with open_store("memory", data_dir=tmp_path) as s:
        assert [t.name for t in s.townships()] == ["XX镇"]
        items = s.counts().nodes["DutyItem"]
    again = runner.invoke(cli, ["--data-dir", str(tmp_path), "demo", "--no-open"])
    assert again.exit_code == 0 and "未导入样例" in again.output
    with open_store("memory", data_dir=tmp_path) as s:
        assert s.counts().nodes["DutyItem"] == items


def test_commands_have_help():
    for name in ("dashboard", "demo"):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
