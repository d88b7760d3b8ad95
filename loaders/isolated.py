"""``read_list`` in a child process with memory and time limits, for servers (the dashboard).

The readers check every limit they can before building a grid (loaders/read_limits.py), but a
spreadsheet library is native code: an allocation it cannot make aborts the whole process, and
a server must not die because somebody uploaded a file. Here the child may abort, run out of
memory or of time; the caller gets a :class:`~graphmodel.errors.LoadError` naming the file.

Limits: ``$DUTYGRAPH_READER_MEMORY_MB`` (address space of the child, default 2048) and
``$DUTYGRAPH_READER_TIMEOUT`` (seconds, default 120).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from graphmodel.errors import InvalidArgument, LoadError
from graphmodel.safe_text import check_township_name

from .api import LoadResult, read_list
from .problems import Problem

__all__ = ["read_list_isolated"]

_ROOT = str(Path(__file__).resolve().parents[1])


def _limits() -> tuple[int, float]:
    def num(name: str, default: float) -> float:
        try:
            return float(os.environ.get(name, "") or default)
        except ValueError:
            return default

    return int(num("DUTYGRAPH_READER_MEMORY_MB", 2048)), num("DUTYGRAPH_READER_TIMEOUT", 120)


def _apply_limits(memory_mb: int, seconds: float) -> None:
    """In the child, before reading: cap its address space and CPU time (POSIX)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows: only the parent's timeout applies
        return
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def read_list_isolated(paths: Iterable[str | Path], township: str | None = None, *,
                       memory_mb: int | None = None, timeout: float | None = None,
                       column_map: dict[str, str] | None = None, part: str | None = None) -> LoadResult:
    """Like :func:`loaders.read_list` (same result, same LoadError; ``column_map`` and ``part`` as
    there), but a crash of the reader becomes a LoadError instead of taking the calling process down."""
    files = [Path(p) for p in paths]
    mem, secs = _limits()
    mem, secs = memory_mb or mem, timeout or secs
    where = files[0].name if files else ""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH", "")) if p)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from loaders.isolated import _child; _child()"],
            input=pickle.dumps(([str(f) for f in files], township, mem, secs, dict(column_map or {}), part)),
            capture_output=True, timeout=secs,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise _stopped(where, f"读取超过 {secs:g} 秒，已停止 (reading took longer than {secs:g} s and was stopped; "
                              f"raise DUTYGRAPH_READER_TIMEOUT)") from None
    if done.returncode != 0 or not done.stdout:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        why = "内存不足 out of memory" if "memory" in tail[0].lower() or done.returncode in (-6, -9, 134, 137) else tail[0]
        raise _stopped(where, f"读取文件时读取器异常退出（{why}，退出码 {done.returncode}），文件可能被构造过或过大 "
                              f"(the reader stopped: {why}, exit {done.returncode}; the file may be crafted or too "
                              f"large; limit {mem} MB, DUTYGRAPH_READER_MEMORY_MB)")
    kind, payload = pickle.loads(done.stdout)  # noqa: S301 - our own child's answer
    if kind == "error":
        message, problems = payload
        raise LoadError(message, problems)
    return payload


def _stopped(file: str, message: str) -> LoadError:
    problem = Problem(code="unreadable", file=file, message=message)
    return LoadError(str(problem), [problem])


def _child() -> None:
    files, township, memory_mb, seconds, column_map, part = pickle.loads(sys.stdin.buffer.read())  # noqa: S301
    _apply_limits(memory_mb, seconds)
    try:
        result = read_list(files, township=township, column_map=column_map or None, part=part)
        try:  # what a write would refuse, refused now (as `load --check` does)
            check_township_name(result.tlist.township.name)
            result.tlist.check()
        except InvalidArgument as e:
            problem = Problem(code="bad_township_name", file=Path(files[0]).name if files else "", message=str(e))
            raise LoadError(str(problem), [problem]) from None
        answer = ("ok", result)
    except LoadError as e:
        answer = ("error", (str(e), list(e.problems)))
    except MemoryError:
        sys.stderr.write("MemoryError: out of memory\n")
        sys.exit(3)
    sys.stdout.buffer.write(pickle.dumps(answer))
