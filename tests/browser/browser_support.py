"""Fixtures of the browser tests (imported by them; not a conftest, so that its name does not clash
with tests/dashboard/conftest.py under --doctest-modules): a real dashboard server (`streamlit run` via `dutygraph dashboard`) and headless Chromium.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser here.
Without chromium the tests skip with the reason, unless DUTYGRAPH_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from gates import BROWSER, unavailable

from graphmodel import open_store

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "dashboard"))

from dashboard_support import load_sample  # noqa: E402

CHROMIUM = os.environ.get("DUTYGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(os.environ.get("DUTYGRAPH_ARTIFACTS") or ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def stop_process_group(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM the whole group the fixture started (dutygraph and its Streamlit), SIGKILL what stays."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader, so that the group check below sees only live members
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the test process dies, even by SIGKILL.

    `dutygraph dashboard` passes SIGTERM on to Streamlit, so a killed test session no longer
    leaves dashboards serving (the fixture's ``finally`` does not run then).
    """
    import ctypes

    PR_SET_DEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DEATHSIG, signal.SIGTERM)


def start_dashboard(data: Path, extra_env: dict[str, str] | None = None):
    """Serve the store in ``data`` with ``dutygraph dashboard``; yield its base URL, then stop it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DUTYGRAPH_STORE"))}
    env.update(extra_env or {})
    log = open(data / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli.main import main; main()", "--data-dir", str(data), "--store", "memory", "dashboard", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                log.flush()
                pytest.fail(f"the dashboard exited with {proc.returncode}: {(data / 'streamlit.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the dashboard did not answer /_stcore/health within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        stop_process_group(proc)
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Base URL of a dashboard serving the sample from a temporary data dir."""
    data = tmp_path_factory.mktemp("browser-data")
    with open_store("memory", data_dir=data) as s:
        load_sample(s)
    yield from start_dashboard(data)


_SHARED: dict = {}


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"no Chromium at {CHROMIUM}", BROWSER)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        unavailable(f"playwright is not installed: {e}", BROWSER)
    # Each test module that imports this fixture gets its own session-scoped copy; Playwright's
    # sync API runs once per process, so they share one browser (the last one out closes it).
    if not _SHARED:
        p = sync_playwright().start()
        _SHARED.update(playwright=p, browser=p.chromium.launch(executable_path=CHROMIUM, args=ARGS), users=0)
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED["browser"].close()
            _SHARED["playwright"].stop()
            _SHARED.clear()


def watched_page(browser, base: str):
    """A fresh page that records every request leaving ``base`` (there must be none); close its context after."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.outside = []

    def watch(request):
        url = request.url
        if not url.startswith((base, "data:", "blob:", "about:")):
            pg.outside.append(url)

    pg.on("request", watch)
    return context, pg


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request leaving 127.0.0.1 (there must be none)."""
    context, pg = watched_page(browser, server)
    yield pg
    context.close()
