"""Editors who may change a list: names with salted scrypt hashes, never passwords, never in the repo.

Where the credentials come from, first found wins:

1. ``$DUTYGRAPH_EDITORS``: the JSON of an editors file, or the path of one;
2. ``editors.json`` in the data directory (``dutygraph editor add NAME`` writes it).

A file maps each name to ``{"salt": hex, "hash": hex, "n": …, "r": …, "p": …, "role": …}``.
Everyone without a sign-in reads only.

Roles, kept simple: 编辑 records (meetings, decisions, requests, imports), 审核 also confirms
decisions and approves change requests, 只读 may sign in but changes nothing. An entry written
before roles existed keeps what it could do then (审核).

Passwords are hashed with scrypt at N = 2^17, r = 8, p = 1 (OWASP's current minimum); a hash
of a lower cost is replaced at the editor's next successful sign-in. Failed sign-ins slow down
and then lock out, per name and per client (:class:`SignInThrottle`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path

from .atomic_file import atomic_write
from .errors import InvalidArgument, StoreUnavailable
from .store import default_data_dir

__all__ = ["EDITORS_FILE", "ROLES", "SCRYPT_N", "Editors", "SignInRefused", "SignInThrottle", "hash_password",
           "load_editors", "may", "sign_in"]

EDITORS_FILE = "editors.json"
FAILURES_FILE = "signin_failures.json"
#: scrypt cost of new hashes; older, cheaper hashes are upgraded at the next sign-in.
SCRYPT_N = 2**17
_R, _P = 8, 1
_MAXMEM = 512 * 1024 * 1024  # 128 * r * N = 128 MiB at N = 2^17; hashlib's default cap is 32 MiB
#: Role -> what it may do.
ROLES = {"编辑": frozenset({"record"}), "审核": frozenset({"record", "confirm"}), "只读": frozenset()}
_LEGACY_ROLE = "审核"


class SignInRefused(InvalidArgument):
    """Wrong name or password, too many failures, or a role that may not do this."""


def hash_password(password: str, salt: bytes | None = None, n: int = SCRYPT_N) -> dict[str, object]:
    """A salted scrypt hash of ``password`` (what the editors file stores)."""
    if not password:
        raise InvalidArgument("密码不能为空 (the password must not be empty)")
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, _R, _P)
    return {"salt": salt.hex(), "hash": digest.hex(), "n": n, "r": _R, "p": _P}


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=_MAXMEM)


def may(role: str, action: str) -> bool:
    """Whether ``role`` may ``action`` ("record" a change, "confirm" / approve one)."""
    return action in ROLES.get(role, frozenset())


class Editors:
    """The editors known to this installation; ``verify`` checks a sign-in."""

    def __init__(self, entries: dict[str, dict], path: Path | None = None) -> None:
        self.entries = dict(entries)
        self.path = path

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.entries))

    def role(self, name: str) -> str:
        entry = self.entries.get((name or "").strip())
        if not entry:
            return ""
        return str(entry.get("role") or _LEGACY_ROLE)

    def verify(self, name: str, password: str) -> bool:
        entry = self.entries.get((name or "").strip())
        if not entry or not password:
            return False
        try:
            digest = _scrypt(password, bytes.fromhex(entry["salt"]), int(entry["n"]), int(entry["r"]), int(entry["p"]))
        except (KeyError, ValueError, MemoryError):
            return False
        return hmac.compare_digest(digest.hex(), str(entry["hash"]))

    def needs_upgrade(self, name: str) -> bool:
        entry = self.entries.get((name or "").strip()) or {}
        try:
            return int(entry.get("n", 0)) < SCRYPT_N or int(entry.get("r", 0)) < _R
        except (TypeError, ValueError):
            return True

    def upgrade(self, name: str, password: str) -> bool:
        """Re-hash a verified password at today's cost (file-backed lists only); True when done."""
        name = (name or "").strip()
        if self.path is None or name not in self.entries or not self.needs_upgrade(name):
            return False
        self.entries[name] = {**self.entries[name], **hash_password(password)}
        self._save()
        return True

    def add(self, name: str, password: str, role: str = "编辑") -> None:
        """Add or reset an editor and save the file (only for a file-backed list)."""
        name = (name or "").strip()
        if not name:
            raise InvalidArgument("编辑人姓名不能为空 (an editor needs a name)")
        if role not in ROLES:
            raise InvalidArgument(f"未知角色 {role!r} (unknown role); 可选 use one of: {'、'.join(ROLES)}")
        self.entries[name] = {**hash_password(password), "role": role}
        self._save()

    def remove(self, name: str) -> None:
        if name not in self.entries:
            raise InvalidArgument(f"没有编辑人 {name!r} (no such editor); known: {'、'.join(self.names) or '—'}")
        del self.entries[name]
        self._save()

    def _save(self) -> None:
        if self.path is None:
            raise InvalidArgument("编辑人来自环境变量 DUTYGRAPH_EDITORS，无法修改 (editors come from $DUTYGRAPH_EDITORS; "
                                  "edit that value instead)")
        text = json.dumps(self.entries, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        atomic_write(self.path, lambda fh: fh.write(text))
        try:
            os.chmod(self.path, 0o600)
        except OSError:  # pragma: no cover - filesystems without modes
            pass


def _parse(text: str, where: str) -> dict[str, dict]:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise StoreUnavailable(f"编辑人配置无法读取 (cannot read the editors in {where}): {e}") from e
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise StoreUnavailable(f"编辑人配置格式不对 (editors in {where} must map names to hashes)")
    return data


def load_editors(data_dir: str | Path | None = None) -> Editors:
    """The editors from ``$DUTYGRAPH_EDITORS`` or ``<data_dir>/editors.json`` (none: nobody may edit)."""
    env = os.environ.get("DUTYGRAPH_EDITORS", "").strip()
    if env:
        if env.startswith("{"):
            return Editors(_parse(env, "$DUTYGRAPH_EDITORS"))
        path = Path(env).expanduser()
        return Editors(_parse(path.read_text(encoding="utf-8"), str(path)) if path.exists() else {}, path)
    path = Path(data_dir if data_dir is not None else default_data_dir()) / EDITORS_FILE
    if not path.exists():
        return Editors({}, path)
    return Editors(_parse(path.read_text(encoding="utf-8"), str(path)), path)


class SignInThrottle:
    """Failed sign-ins per name and per client: free tries, then a doubling wait, then a lockout.

    Kept in ``signin_failures.json`` beside the editors file, so that separate command-line
    runs count together; without a path it lives in memory (one dashboard process).
    """

    FREE = 3  # failures before any wait
    MAX_DELAY = 300.0  # seconds; the wait doubles from 1 s up to this
    LOCKOUT = 10  # failures that lock the name or client out for LOCKOUT_SECONDS
    LOCKOUT_SECONDS = 900.0

    def __init__(self, path: Path | None = None, clock=time.time) -> None:
        self.path = path
        self.clock = clock
        self._state: dict[str, list[float]] = {}

    def _load(self) -> dict[str, list[float]]:
        if self.path is None:
            return self._state
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): [float(v[0]), float(v[1])] for k, v in data.items()} if isinstance(data, dict) else {}
        except (OSError, ValueError, TypeError, IndexError):
            return {}

    def _store(self, state: dict[str, list[float]]) -> None:
        if self.path is None:
            self._state = state
            return
        text = json.dumps(state, ensure_ascii=False).encode("utf-8")
        try:
            atomic_write(self.path, lambda fh: fh.write(text))
        except OSError:  # pragma: no cover - a read-only data dir: the throttle is best effort there
            pass

    def _delay(self, count: float) -> float:
        if count >= self.LOCKOUT:
            return self.LOCKOUT_SECONDS
        if count < self.FREE:
            return 0.0
        return min(2.0 ** (count - self.FREE), self.MAX_DELAY)

    @staticmethod
    def _keys(name: str, client: str) -> tuple[str, str]:
        return f"name:{(name or '').strip()}", f"client:{client or 'local'}"

    def wait_left(self, name: str, client: str = "local") -> float:
        """Seconds before this name from this client may try again (0: now)."""
        state, now = self._load(), self.clock()
        left = 0.0
        for key in self._keys(name, client):
            count, last = state.get(key, (0.0, 0.0))
            left = max(left, last + self._delay(count) - now)
        return max(0.0, left)

    def failed(self, name: str, client: str = "local") -> None:
        state, now = self._load(), self.clock()
        for key in self._keys(name, client):
            count, last = state.get(key, (0.0, 0.0))
            if count >= self.LOCKOUT and now - last >= self.LOCKOUT_SECONDS:
                count = 0.0  # a lockout served starts the count again
            state[key] = [count + 1, now]
        self._store(state)

    def succeeded(self, name: str, client: str = "local") -> None:
        state = self._load()
        if any(state.pop(k, None) is not None for k in self._keys(name, client)):
            self._store(state)


def load_throttle(data_dir: str | Path | None = None) -> SignInThrottle:
    """The throttle kept in the data directory (where the editors file is)."""
    return SignInThrottle(Path(data_dir if data_dir is not None else default_data_dir()) / FAILURES_FILE)


def sign_in(editors: Editors, name: str, password: str, *, action: str = "record", client: str = "local",
            throttle: SignInThrottle | None = None) -> str:
    """The editor's name once the password checks out and the role may ``action``.

    Refuses (without trying the password) while the name or the client waits after failures;
    upgrades an old, cheaper hash after a success.
    """
    name = (name or "").strip()
    throttle = throttle if throttle is not None else SignInThrottle()
    left = throttle.wait_left(name, client)
    if left > 0:
        raise SignInRefused(f"登录失败次数过多，请 {left:.0f} 秒后再试 (too many failed sign-ins; "
                            f"try again in {left:.0f} s)")
    if not editors.verify(name, password):
        throttle.failed(name, client)
        raise SignInRefused(f"编辑人 {name!r} 的用户名或密码不对 (wrong editor name or password)")
    throttle.succeeded(name, client)
    editors.upgrade(name, password)
    role = editors.role(name)
    if not may(role, action):
        need = "审核" if action == "confirm" else "编辑 或 审核"
        raise SignInRefused(f"{name} 的角色是 {role}，此操作需要 {need} (role {role} may not {action}; needs {need})")
    return name
