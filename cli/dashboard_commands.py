"""`dutygraph dashboard` and `dutygraph demo`: run the Streamlit dashboard on the current store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from graphmodel import InvalidArgument

from .context import Settings, handle_errors, pass_settings, store_options

__all__ = ["address_warning", "dashboard", "demo", "run_streamlit", "streamlit_command", "streamlit_env"]

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


_LOCAL = {"127.0.0.1", "localhost", "::1"}


def address_warning(address: str) -> str | None:
    """What to tell whoever binds the dashboard beyond this machine (None when it stays local)."""
    if address in _LOCAL or address.startswith("127."):
        return None
    return (f"注意：仪表盘监听 {address}，同一网络中的其他电脑都能打开它；任何人都能查看，修改清单需要编辑人登录。"
            f"(Warning: listening on {address}: everyone on the network can reach the dashboard and read "
            f"the lists; changes need an editor sign-in. Use --address 127.0.0.1 to keep it on this machine.)")


def run_streamlit(command: list[str], env: dict[str, str]) -> int:
    """Run Streamlit as a child and pass SIGTERM / SIGINT / SIGHUP on to it, then wait for it.

    Without this a ``kill`` of ``dutygraph dashboard`` left Streamlit orphaned and serving.
    """
    proc = subprocess.Popen(command, env=env)
    forwarded = (signal.SIGTERM, signal.SIGINT, *((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()))

    def forward(signum, _frame) -> None:
        if proc.poll() is None:
            proc.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in forwarded}
    try:
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:  # a handler replaced by the caller: still pass it on
                forward(signal.SIGINT, None)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc.poll() is None:  # pragma: no cover - only if waiting itself failed
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return code


def _run(settings: Settings, port: int, address: str) -> None:
    if not 0 < port < 65536:
        raise InvalidArgument(f"port {port} is outside 1..65535")
    warning = address_warning(address)
    if warning:
        click.echo(warning, err=True)
    click.echo(f"仪表盘 Dashboard: http://{address}:{port}  (Ctrl+C 结束 to stop)", err=True)
    code = run_streamlit(streamlit_command(port, address), streamlit_env(settings))
    if code and code not in (-signal.SIGTERM, -signal.SIGINT, 128 + signal.SIGTERM, 128 + signal.SIGINT):
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
        done = store.replace_township(result.tlist, editor="dutygraph demo（内置样例 bundled sample）")
        click.echo(f"已导入样例 Loaded the sample {done.township}: {done.counts}", err=True)
    store.close()
    settings._store = None
    if not no_open:
        _run(settings, port, "127.0.0.1")
