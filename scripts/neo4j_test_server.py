#!/usr/bin/env python3
"""A real Neo4j 5.26 community server for dutygraph's tests and CI -- no Docker.

The server is the small Java launcher in ``scripts/neo4j-test-server`` (official
``org.neo4j.test:neo4j-harness``, fetched from Maven Central by ``mvn``). This module
builds it, starts it on 127.0.0.1 with authentication enabled and a random password,
waits until the Python driver can connect, and stops it again.

Python API (stdlib + the ``neo4j`` driver only; the driver is imported lazily)::

    build(force=False, timeout=1800) -> bool        # True if mvn ran, False if up to date
    is_built() -> bool
    tools_available() -> tuple[bool, str]           # (ok, reason): java, and mvn unless built
    class ToolMissingError(RuntimeError)            # java or mvn missing
    class Neo4jTestServer(port=0, password=None, heap="1g", pagecache="256m",
                          auto_build=True, keep_logs=False, jvm_args=None,
                          tx_memory_max=None)  # e.g. "8m": dbms.memory.transaction.total.max
        .start(timeout=180) -> (uri, user, password)
        .stop(timeout=30) -> None
        .driver(**kwargs) -> neo4j.Driver
        .log_tail(lines=60) -> str
        .uri / .user / .password / .port / .pid / .log_path / .running / .startup_seconds
        context manager: ``with Neo4jTestServer() as srv: uri, user, pw = srv.uri, ...``
    clear_database(driver, database=None, *, keep_lookup_indexes=True,
                   batch_size=10_000) -> dict     # counts of what was deleted/dropped

CLI::

    python scripts/neo4j_test_server.py build [--force]
    python scripts/neo4j_test_server.py run [--port N] [--env-file PATH] [--keep-logs] [--import FOLDER]

``run`` prints ``NEO4J_URI=...``, ``NEO4J_USER=...`` and ``NEO4J_PASSWORD=...`` (one per
line; ``--env-file`` also writes them to a file once the server is ready) and serves until
Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import argparse
import collections
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

__all__ = [
    "DEFAULT_USER",
    "Neo4jTestServer",
    "ToolMissingError",
    "build",
    "clear_database",
    "is_built",
    "admin_import",
    "main",
    "tools_available",
]

SCRIPTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = SCRIPTS_DIR / "neo4j-test-server"
POM = PROJECT_DIR / "pom.xml"
SRC_DIR = PROJECT_DIR / "src"
TARGET_DIR = PROJECT_DIR / "target"
CLASSES_DIR = TARGET_DIR / "classes"
LIB_DIR = TARGET_DIR / "lib"
STAMP_FILE = TARGET_DIR / ".dutygraph-build-stamp"
LOCK_FILE = TARGET_DIR / ".dutygraph-build.lock"
MAIN_CLASS = "dutygraph.neo4jtestserver.Launcher"
LAUNCHER_CLASS_FILE = CLASSES_DIR / "dutygraph" / "neo4jtestserver" / "Launcher.class"

DEFAULT_USER = "neo4j"
PASSWORD_ENV = "NEO4J_TEST_PASSWORD"
_READY_RE = re.compile(r"^READY (bolt://127\.0\.0\.1:(\d+))\s*$")
# Index / constraint names are interpolated into Cypher (they cannot be parameters), so
# only names made of these characters are accepted; they are backtick-quoted as well.
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,254}$")

# Flags in the spirit of Neo4j's own conf/neo4j.conf (always passed).
_BASE_JVM_ARGS = (
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
# Default tuning for 2-core CI machines: C1-only JIT and the serial GC roughly halve the
# start-up time under load (fewer compiler/GC threads competing). Replace it with
# ``Neo4jTestServer(jvm_args=[...])``, e.g. ``["-XX:+UseG1GC"]`` for long benchmarks.
DEFAULT_TUNING_JVM_ARGS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


class ToolMissingError(RuntimeError):
    """``java`` or ``mvn`` is not installed; tests may skip on this."""


# --------------------------------------------------------------------------- tools


def _java_binary() -> Optional[str]:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


def _mvn_binary() -> Optional[str]:
    return shutil.which("mvn")


def tools_available() -> tuple[bool, str]:
    """``(True, "")`` if the server can be built and run here, else ``(False, reason)``.

    Needs java; needs mvn too unless target/ already holds an up-to-date build.
    """
    missing = []
    if _java_binary() is None:
        missing.append("java (JDK 17+)")
    if _mvn_binary() is None and not is_built():
        missing.append("mvn (Maven 3.6.3+)")
    if missing:
        return False, "Neo4j test server needs " + " and ".join(missing) + " on PATH"
    return True, ""


def _require_tools(need_mvn: bool) -> None:
    if _java_binary() is None:
        raise ToolMissingError("java not found (set JAVA_HOME or put a JDK 17+ on PATH)")
    if need_mvn and _mvn_binary() is None:
        raise ToolMissingError("mvn not found on PATH (Maven 3.6.3+ is needed to fetch Neo4j)")


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _file_tail(path: Optional[Path], lines: int = 60) -> str:
    if path is None:
        return "(no log)"
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as fh:
            return "".join(collections.deque(fh, maxlen=lines)).rstrip("\n")
    except OSError as exc:
        return f"(cannot read {path}: {exc})"


# --------------------------------------------------------------------------- build


def _source_fingerprint() -> str:
    """Hash of pom.xml and every file under src/ (what a rebuild depends on)."""
    h = hashlib.sha256()
    files = [POM] + sorted(p for p in SRC_DIR.rglob("*") if p.is_file())
    for path in files:
        h.update(str(path.relative_to(PROJECT_DIR)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _pom_fingerprint() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def _read_stamp() -> dict:
    try:
        lines = STAMP_FILE.read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split("=", 1) for line in lines if "=" in line)


def is_built() -> bool:
    """True if target/ holds a build of the current pom.xml and sources."""
    if not (LAUNCHER_CLASS_FILE.is_file() and LIB_DIR.is_dir()):
        return False
    if not any(LIB_DIR.glob("*.jar")):
        return False
    return _read_stamp().get("sources") == _source_fingerprint()


def build(force: bool = False, timeout: float = 1800) -> bool:
    """Compile the launcher and copy Neo4j's jars into target/lib (``mvn package``).

    Idempotent: returns ``False`` without running Maven when target/ already matches
    pom.xml and the sources, ``True`` after a successful Maven run. The first run
    downloads ~150 MB into the local Maven repository (~/.m2 unless configured).
    Raises ``ToolMissingError`` if java/mvn are missing and ``RuntimeError`` (with the
    tail of Maven's output) if the build fails. Safe to call from parallel processes.
    """
    _require_tools(need_mvn=not (is_built() and not force))
    if is_built() and not force:
        return False
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # serialise concurrent builds
        try:
            if is_built() and not force:
                return False  # another process built it while we waited
            _require_tools(need_mvn=True)
            old = _read_stamp()
            if LIB_DIR.is_dir() and old.get("pom") != _pom_fingerprint():
                # dependency versions may have changed: never mix two Neo4j versions
                shutil.rmtree(LIB_DIR)
            cmd = [_mvn_binary(), "-B", "-q", "-f", str(POM), "package"]
            try:
                proc = subprocess.run(
                    cmd,
                    cwd=PROJECT_DIR,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired as exc:
                out = exc.stdout or ""
                if isinstance(out, bytes):
                    out = out.decode(errors="replace")
                raise RuntimeError(
                    f"mvn package timed out after {timeout:.0f}s in {PROJECT_DIR}\n"
                    f"--- mvn output (tail) ---\n{_tail(out)}"
                ) from None
            if proc.returncode != 0:
                raise RuntimeError(
                    f"mvn package failed (exit {proc.returncode}) in {PROJECT_DIR}: "
                    f"{' '.join(cmd)}\n--- mvn output (tail) ---\n{_tail(proc.stdout)}"
                )
            if not LAUNCHER_CLASS_FILE.is_file() or not any(LIB_DIR.glob("*.jar")):
                raise RuntimeError(
                    f"mvn package succeeded but {LAUNCHER_CLASS_FILE} or {LIB_DIR}/*.jar "
                    f"is missing\n--- mvn output (tail) ---\n{_tail(proc.stdout)}"
                )
            tmp = STAMP_FILE.with_suffix(".tmp")
            tmp.write_text(f"sources={_source_fingerprint()}\npom={_pom_fingerprint()}\n")
            tmp.replace(STAMP_FILE)
            return True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _classpath() -> str:
    return f"{CLASSES_DIR}{os.pathsep}{LIB_DIR / '*'}"


# --------------------------------------------------------------------------- server


class Neo4jTestServer:
    """One throw-away Neo4j DBMS in a child JVM, for one test session.

    ``port=0`` (default) lets the OS pick a free port when Neo4j binds, which avoids the
    race of probing a port first; the real port is read from the launcher's READY line.
    """

    def __init__(
        self,
        port: int = 0,
        password: Optional[str] = None,
        *,
        heap: str = "1g",
        pagecache: str = "256m",
        auto_build: bool = True,
        keep_logs: bool = False,
        jvm_args: Optional[Sequence[str]] = None,
        copy_from: Optional[Path] = None,
        tx_memory_max: Optional[str] = None,
    ) -> None:
        self.requested_port = int(port)
        # dbms.memory.transaction.total.max (None: the launcher's 256m); tests scale it down to
        # show a statement's memory stays bounded
        self.tx_memory_max = tx_memory_max
        self.copy_from = Path(copy_from) if copy_from else None  # a DBMS data folder to start with
        self.user = DEFAULT_USER
        self.password = password or secrets.token_urlsafe(18)
        if len(self.password) < 8:
            raise ValueError("Neo4j requires passwords of at least 8 characters")
        self.heap = heap
        self.pagecache = pagecache
        self.auto_build = auto_build
        self.keep_logs = keep_logs
        self.jvm_args = tuple(DEFAULT_TUNING_JVM_ARGS if jvm_args is None else jvm_args)
        self.uri: Optional[str] = None
        self.port: Optional[int] = None
        self.log_path: Optional[Path] = None
        self.startup_seconds: Optional[float] = None
        self._tmpdir: Optional[Path] = None
        self._proc: Optional[subprocess.Popen] = None
        self._reader: Optional[threading.Thread] = None
        self._log = None
        self._ready = threading.Event()
        self._lock = threading.Lock()

    # -- public API --------------------------------------------------------

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        """The java command line (without the password, which goes via the env)."""
        return [
            _java_binary() or "java",
            f"-Xmx{self.heap}",
            *_BASE_JVM_ARGS,
            *self.jvm_args,
            "-cp",
            _classpath(),
            MAIN_CLASS,
            "--port",
            str(self.requested_port),
            "--pagecache",
            self.pagecache,
            "--data-dir",
            str((self._tmpdir or Path(tempfile.gettempdir())) / "data"),
            *(["--copy-from", str(self.copy_from)] if self.copy_from else []),
            *(["--tx-memory-max", self.tx_memory_max] if self.tx_memory_max else []),
        ]

    def start(self, timeout: float = 180) -> tuple[str, str, str]:
        """Start the server; return ``(uri, user, password)`` once the driver connects.

        Raises ``ToolMissingError`` if java (or, when a build is needed, mvn) is missing
        and ``RuntimeError`` with the tail of the server log on any other failure.
        """
        with self._lock:
            if self._proc is not None:
                raise RuntimeError("Neo4jTestServer already started")
            t0 = time.monotonic()
            _require_tools(need_mvn=False)
            if self.auto_build:
                build()
            elif not is_built():
                raise RuntimeError(
                    "Neo4j test server is not built: run `python scripts/neo4j_test_server.py build`"
                )
            self._tmpdir = Path(tempfile.mkdtemp(prefix="dutygraph-neo4j-test-"))
            self.log_path = self._tmpdir / "server.log"
            self._log = open(self.log_path, "a", encoding="utf-8", buffering=1)
            env = dict(os.environ)
            env[PASSWORD_ENV] = self.password
            cmd = self.command()
            self._log.write("$ " + " ".join(cmd) + "\n")
            self._ready.clear()
            try:
                self._proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.PIPE,  # the launcher exits when this pipe closes
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=self._tmpdir,
                    start_new_session=True,  # Ctrl-C goes to us; we stop the server
                )
            except OSError as exc:
                self._cleanup(keep=True)
                raise RuntimeError(f"cannot launch java: {exc}") from exc
            self._reader = threading.Thread(
                target=self._pump_output, name="neo4j-test-server-log", daemon=True
            )
            self._reader.start()
        try:
            self._wait_until_ready(t0 + timeout, timeout)
        except BaseException:
            self.stop(_failed=True)
            raise
        self.startup_seconds = time.monotonic() - t0
        return self.uri, self.user, self.password  # type: ignore[return-value]

    def stop(self, timeout: float = 30, *, _failed: bool = False) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after ``timeout``) and clean up."""
        with self._lock:
            proc = self._proc
            if proc is not None:
                if proc.poll() is None:
                    try:
                        proc.terminate()
                        proc.wait(timeout=timeout)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(timeout=30)
                    except ProcessLookupError:
                        pass
                if proc.stdin:
                    try:
                        proc.stdin.close()
                    except OSError:
                        pass
                if self._reader is not None:
                    self._reader.join(timeout=10)
                if proc.stdout:
                    proc.stdout.close()
            self._proc = None
            self._reader = None
            self._cleanup(keep=self.keep_logs or _failed)

    def driver(self, **kwargs: Any):
        """A new ``neo4j.Driver`` for this server (the caller closes it)."""
        import neo4j  # lazy: build/CLI work without the driver

        if self.uri is None:
            raise RuntimeError("server not started")
        return neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password), **kwargs)

    def log_tail(self, lines: int = 60) -> str:
        return _file_tail(self.log_path, lines)

    def __enter__(self) -> "Neo4jTestServer":
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __del__(self) -> None:  # last resort; never rely on it
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass

    # -- internals ---------------------------------------------------------

    def _pump_output(self) -> None:
        proc, log = self._proc, self._log
        assert proc is not None and proc.stdout is not None and log is not None
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace")
            try:
                log.write(line)
            except ValueError:  # log closed during shutdown
                pass
            m = _READY_RE.match(line)
            if m and not self._ready.is_set():
                self.uri = m.group(1)
                self.port = int(m.group(2))
                self._ready.set()

    def _fail(self, message: str) -> RuntimeError:
        return RuntimeError(
            f"{message}\n--- Neo4j test server log {self.log_path} (tail) ---\n{self.log_tail()}"
        )

    def _wait_until_ready(self, deadline: float, timeout: float) -> None:
        proc = self._proc
        assert proc is not None
        while not self._ready.wait(0.2):
            if proc.poll() is not None:
                if self._reader:
                    self._reader.join(timeout=5)
                raise self._fail(f"Neo4j test server exited with code {proc.returncode} before READY")
            if time.monotonic() > deadline:
                raise self._fail(f"Neo4j test server not READY within {timeout:.0f}s")

        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

        last: Optional[BaseException] = None
        drv = neo4j.GraphDatabase.driver(
            self.uri, auth=(self.user, self.password), connection_timeout=5
        )
        try:
            while True:
                if proc.poll() is not None:
                    raise self._fail(
                        f"Neo4j test server exited with code {proc.returncode} after READY"
                    )
                try:
                    drv.verify_connectivity()
                    return
                except AuthError as exc:
                    raise self._fail(f"Neo4j rejected the generated credentials: {exc}") from exc
                except (ServiceUnavailable, SessionExpired, OSError) as exc:
                    last = exc
                if time.monotonic() > deadline:
                    raise self._fail(
                        f"driver could not connect to {self.uri} within {timeout:.0f}s: {last}"
                    )
                time.sleep(0.25)
        finally:
            drv.close()

    def _cleanup(self, keep: bool) -> None:
        if self._log is not None:
            try:
                self._log.close()
            except OSError:
                pass
            self._log = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir / "data", ignore_errors=True)
            if not keep:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
                self.log_path = None
            self._tmpdir = None


# --------------------------------------------------------------------------- cleaning


def _quote_name(name: str, kind: str) -> str:
    if not isinstance(name, str) or not _SAFE_NAME_RE.match(name):
        raise ValueError(
            f"refusing to drop {kind} with unexpected name {name!r} "
            f"(allowed: {_SAFE_NAME_RE.pattern})"
        )
    return f"`{name}`"


def clear_database(
    driver: Any,
    database: Optional[str] = None,
    *,
    keep_lookup_indexes: bool = True,
    batch_size: int = 10_000,
) -> dict:
    """Empty a database: delete all nodes/relationships, drop constraints and indexes.

    Nodes are deleted with ``MATCH (n) ... DETACH DELETE n`` in managed write
    transactions of ``batch_size`` nodes (keeps transaction memory bounded). The two
    token LOOKUP indexes that every new Neo4j database has are kept unless
    ``keep_lookup_indexes`` is false, so the result looks like a freshly created database.
    Returns counts: ``{"nodes_deleted", "constraints_dropped", "indexes_dropped"}``.
    """
    batch_size = int(batch_size)
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")

    def _delete_batch(tx: Any) -> int:
        rec = tx.run(
            "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS c",
            limit=batch_size,
        ).single()
        return int(rec["c"]) if rec else 0

    nodes = constraints = indexes = 0
    with driver.session(database=database) as session:
        while True:
            deleted = session.execute_write(_delete_batch)
            nodes += deleted
            if deleted < batch_size:
                break
        # Schema commands run as auto-commit queries (they can't share a tx with writes).
        names = [r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name RETURN name")]
        for name in names:
            session.run(f"DROP CONSTRAINT {_quote_name(name, 'constraint')} IF EXISTS").consume()
            constraints += 1
        rows = list(session.run("SHOW INDEXES YIELD name, type RETURN name, type"))
        for row in rows:
            if keep_lookup_indexes and row["type"] == "LOOKUP":
                continue
            session.run(f"DROP INDEX {_quote_name(row['name'], 'index')} IF EXISTS").consume()
            indexes += 1
    return {"nodes_deleted": nodes, "constraints_dropped": constraints, "indexes_dropped": indexes}


# --------------------------------------------------------------------------- CLI


def admin_import(folder: Path, home: Path, *, heap: str = "2g", timeout: float = 3600,
                 report: Optional[dict] = None) -> float:
    """Run ``neo4j-admin database import full`` (the harness's own classes, offline) on the import
    written by ``dutygraph load --province --admin-import FOLDER`` (its ``import.json`` names the
    options and files); the database lands in ``home/data``; ``Neo4jTestServer(copy_from=
    home)`` starts with. Returns the seconds the tool ran; raises RuntimeError on failure."""
    import json

    folder, home = Path(folder).resolve(), Path(home).resolve()
    plan = json.loads((folder / "import.json").read_text(encoding="utf-8"))
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").touch()
    if not is_built():
        build()
    cmd = [_java_binary() or "java", f"-Xmx{heap}", "-cp", _classpath(), "org.neo4j.cli.AdminTool",
           "database", "import", "full", "neo4j", *plan["options"], *plan["files"]]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or "IMPORT DONE" not in proc.stdout + proc.stderr:
        raise RuntimeError(f"neo4j-admin import failed ({proc.returncode}):\n{_tail(proc.stdout + proc.stderr)}")
    took = time.monotonic() - start
    if report is not None:  # the tool's own time ("IMPORT DONE in 12s 345ms"), without the JVM's start
        done = re.search(r"IMPORT DONE in (?:(\d+)m )?(\d+)s (\d+)ms", proc.stdout + proc.stderr)
        if done:
            report["import_done_s"] = int(done[1] or 0) * 60 + int(done[2]) + int(done[3]) / 1000
    return took


def _write_env_file(path: Path, values: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        for key, value in values.items():
            fh.write(f"{key}={value}\n")
    os.replace(tmp, path)


def _cmd_build(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    try:
        ran = build(force=args.force)
    except (ToolMissingError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    took = time.monotonic() - t0
    if ran:
        print(f"built {PROJECT_DIR} in {took:.1f}s")
    else:
        print(f"up to date ({PROJECT_DIR}), checked in {took:.1f}s")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    stop_requested = threading.Event()

    def _on_signal(signum: int, _frame: Any) -> None:
        stop_requested.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_signal)

    home = None
    if args.import_from:
        home = Path(tempfile.mkdtemp(prefix="dutygraph-neo4j-import-"))
        try:
            seconds = admin_import(Path(args.import_from), home)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            shutil.rmtree(home, ignore_errors=True)
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"# neo4j-admin import of {args.import_from} took {seconds:.1f}s", file=sys.stderr)
    server = Neo4jTestServer(
        port=args.port,
        password=args.password or os.environ.get(PASSWORD_ENV) or None,
        heap=args.heap,
        pagecache=args.pagecache,
        keep_logs=args.keep_logs,
        copy_from=home,
    )
    env_file = Path(args.env_file) if args.env_file else None
    try:
        uri, user, password = server.start(timeout=args.timeout)
    except (ToolMissingError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    code = 0
    try:
        values = {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
        for key, value in values.items():
            print(f"{key}={value}")
        print(
            f"# started in {server.startup_seconds:.1f}s, pid {server.pid}, "
            f"log {server.log_path}; Ctrl-C or SIGTERM stops it",
            file=sys.stderr,
        )
        sys.stdout.flush()
        if env_file:
            _write_env_file(env_file, values)
        while not stop_requested.wait(0.5):
            if not server.running:
                print(
                    f"error: Neo4j test server died unexpectedly\n{server.log_tail()}",
                    file=sys.stderr,
                )
                code = 1
                break
    finally:
        server.stop()
        if home:
            shutil.rmtree(home, ignore_errors=True)
        if env_file:
            try:
                env_file.unlink()
            except FileNotFoundError:
                pass
    return code


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="neo4j_test_server.py",
        description="Build and run a throw-away Neo4j 5.26 community server (no Docker).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="fetch Neo4j via Maven and compile the launcher")
    p_build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    p_build.set_defaults(func=_cmd_build)
    p_run = sub.add_parser("run", help="start a server and keep it running until Ctrl-C/SIGTERM")
    p_run.add_argument("--port", type=int, default=0, help="Bolt port (default: any free port)")
    p_run.add_argument("--password", help=f"password (default: ${PASSWORD_ENV} or random)")
    p_run.add_argument("--env-file", help="also write NEO4J_URI/USER/PASSWORD to this file when ready (removed on stop)")
    p_run.add_argument("--heap", default="1g", help="JVM max heap (default 1g)")
    p_run.add_argument("--pagecache", default="256m", help="page cache size (default 256m)")
    p_run.add_argument("--timeout", type=float, default=180, help="startup timeout in seconds")
    p_run.add_argument("--keep-logs", action="store_true", help="keep the server log after stopping")
    p_run.add_argument("--import", dest="import_from", metavar="FOLDER",
                       help="start with the database neo4j-admin imports from FOLDER "
                            "(written by: dutygraph load DIR --province --admin-import FOLDER)")
    p_run.set_defaults(func=_cmd_run)
    args = parser.parse_args(list(argv) if argv is not None else None)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
