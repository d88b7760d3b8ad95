"""`dutygraph dashboard` and `dutygraph demo`: run the Streamlit dashboard on the current store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from graphmodel import InvalidArgument

from .context import Settings, handle_errors, pass_settings, store_options

__all__ = ["dashboard", "demo", "streamlit_command", "streamlit_env"]

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
SAMPLE_NAME = "XX镇履行职责事项清单.xlsx"  # in loaders/sample_data/


def streamlit_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment that tells the dashboard which store to open (and keeps Streamlit quiet)."""
    env = dict(os.environ if base is None else base)
    if settings.store_name:
        env["DUTYGRAPH_STORE"] = settings.store_name
    if settings.data_dir is not None:
        env["DUTYGRAPH_DATA_DIR"] = str(Path(settings.data_dir).expanduser().resolve())
    if settings.neo4j_uri:
        env["NEO4J_URI"] = settings.neo4j_uri
        env.setdefault("DUTYGRAPH_STORE", "neo4j")
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env["STREAMLIT_SERVER_HEADLESS"] = "true"
    return env


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """`streamlit run` on the app: headless, no usage statistics, bound to ``address``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.port", str(port),
        "--server.address", address,
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",  # no Deploy button: this app is never deployed to a cloud
    ]


def _run(settings: Settings, port: int, address: str) -> None:
    if not 0 < port < 65536:
        raise InvalidArgument(f"port {port} is outside 1..65535")
    click.echo(f"仪表盘 Dashboard: http://{address}:{port}  (Ctrl+C 结束 to stop)", err=True)
    try:
        code = subprocess.call(streamlit_command(port, address), env=streamlit_env(settings))
    except KeyboardInterrupt:
        code = 0
    if code:
        sys.exit(code)


@click.command("dashboard")
@store_options
@click.option("--port", default=8501, show_default=True, help="端口 Port to serve on.")
@click.option("--address", default="127.0.0.1", show_default=True, help="监听地址 Address to bind (0.0.0.0 for the room).")
@pass_settings
@handle_errors
def dashboard(settings: Settings, port: int, address: str) -> None:
    """打开仪表盘。Open the dashboard (Streamlit) on the current store."""
    settings.store()  # a store that cannot be opened fails here, with one clear line
    _run(settings, port, address)


@click.command("demo")
@store_options
@click.option("--port", default=8501, show_default=True, help="端口 Port to serve on.")
@click.option("--no-open", is_flag=True, help="只导入样例，不启动仪表盘。Load the sample only.")
@pass_settings
@handle_errors
def demo(settings: Settings, port: int, no_open: bool) -> None:
    """导入内置样例 XX镇 并打开仪表盘。Load the bundled sample (if the store is empty) and open the dashboard."""
    import loaders  # only the demo reads a list
    from loaders import read_list

    store = settings.store()
    if store.townships():
        click.echo(f"存储中已有清单，未导入样例。The store already holds lists; the sample was not loaded. ({store.describe()})",
                   err=True)
    else:
        result = read_list([Path(loaders.__file__).parent / "sample_data" / SAMPLE_NAME])
        if not result.ok:
            raise InvalidArgument(f"the bundled sample does not load: {result.problems[:3]}")
        done = store.replace_township(result.tlist)
        click.echo(f"已导入样例 Loaded the sample {done.township}: {done.counts}", err=True)
    store.close()
    settings._store = None
    if not no_open:
        _run(settings, port, "127.0.0.1")
