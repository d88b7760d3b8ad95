"""An OS file lock that serialises writers of one file across processes (and threads).

The embedded store is one JSON file rewritten whole on every save. Without a lock two
processes each read the file, change their copy and write it back: the second write erases
the first (measured: 10 of 20 decisions lost with four writers). :class:`FileLock` holds an
exclusive ``flock`` on ``<file>.lock`` for a whole read-modify-write; the holder's pid is
written into the lock file so that a waiting writer can say who it waits for.

The lock is released by the kernel when the holding process dies, so a ``kill -9`` never
leaves the store locked.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .env_number import env_number
from .errors import StoreUnavailable

try:  # POSIX; on Windows the lock is a thread lock only (documented in docs/security.md)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["DEFAULT_TIMEOUT", "FileLock", "StoreBusy", "lock_timeout"]

#: Seconds a writer waits for another process before giving up (``$DUTYGRAPH_LOCK_TIMEOUT``).
DEFAULT_TIMEOUT = 60.0
_POLL = 0.05


class StoreBusy(StoreUnavailable):
    """Another process held the store's write lock for longer than the timeout."""


def lock_timeout() -> float:
    """``$DUTYGRAPH_LOCK_TIMEOUT`` seconds, else :data:`DEFAULT_TIMEOUT`."""
    return env_number("DUTYGRAPH_LOCK_TIMEOUT", DEFAULT_TIMEOUT, 0.0)


class FileLock:
    """A re-entrant exclusive lock on ``path`` (the lock file itself, created on first use).

    ``on_wait(message)`` is called once when the lock is held by somebody else, so a command
    line can tell its user why nothing happens; library code never prints.
    """

    def __init__(self, path: Path, on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
        self.on_wait = on_wait
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._depth > 0

    def holder(self) -> str:
        """The pid written by the process holding the lock ('' when unknown)."""
        try:
            return self.path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return ""

    @contextmanager
    def __call__(self, timeout: float | None = None) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._acquire(lock_timeout() if timeout is None else timeout)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it (no wait); release with :meth:`release`."""
        if not self._thread_lock.acquire(blocking=False):
            return False
        if self._depth:
            self._thread_lock.release()
            return False
        try:
            self._acquire(0.0, quiet=True)
        except StoreUnavailable:
            self._thread_lock.release()
            return False
        self._depth = 1
        return True

    def release(self) -> None:
        self._depth = 0
        self._release()
        self._thread_lock.release()

    def _acquire(self, timeout: float, quiet: bool = False) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as e:
            raise StoreUnavailable(f"无法创建写锁 {self.path} (cannot create the store's write lock): {e}") from e
        if fcntl is None:  # pragma: no cover - Windows
            self._fd = fd
            return
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    who = self.holder()
                    raise StoreBusy(
                        f"存储正被另一个进程写入{f' (pid {who})' if who else ''}，等待 {timeout:g} 秒后放弃 "
                        f"(the store is being written by another process{f' (pid {who})' if who else ''}; "
                        f"gave up after {timeout:g} s; try again, or raise DUTYGRAPH_LOCK_TIMEOUT)"
                    ) from None
                if not told and not quiet and self.on_wait is not None:
                    who = self.holder()
                    self.on_wait(f"正在等待另一个进程{f' (pid {who})' if who else ''}写完存储… "
                                  f"(waiting for another process{f' (pid {who})' if who else ''} to finish writing the store)")
                    told = True
                time.sleep(_POLL)
            except OSError as e:
                os.close(fd)
                raise StoreUnavailable(f"无法加写锁 {self.path} (cannot lock the store): {e}") from e
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        except OSError:  # the pid is only a courtesy for the waiting message
            pass
        self._fd = fd

    def _release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if fcntl is not None:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
