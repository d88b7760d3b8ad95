"""Editors who may change a list: names with salted scrypt hashes, never passwords, never in the repo.

Where the credentials come from, first found wins:

1. ``$DUTYGRAPH_EDITORS``: the JSON of an editors file, or the path of one;
2. ``editors.json`` in the data directory (``dutygraph editor add NAME`` writes it).

A file maps each name to ``{"salt": hex, "hash": hex, "n": …, "r": …, "p": …}``.
Everyone without a sign-in reads only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from .atomic_file import atomic_write
from .errors import InvalidArgument, StoreUnavailable
from .store import default_data_dir

__all__ = ["EDITORS_FILE", "Editors", "hash_password", "load_editors"]

EDITORS_FILE = "editors.json"
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> dict[str, object]:
    """A salted scrypt hash of ``password`` (what the editors file stores)."""
    if not password:
        raise InvalidArgument("密码不能为空 (the password must not be empty)")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return {"salt": salt.hex(), "hash": digest.hex(), "n": _N, "r": _R, "p": _P}


class Editors:
    """The editors known to this installation; ``verify`` checks a sign-in."""

    def __init__(self, entries: dict[str, dict], path: Path | None = None) -> None:
        self.entries = dict(entries)
        self.path = path

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.entries))

    def verify(self, name: str, password: str) -> bool:
        entry = self.entries.get((name or "").strip())
        if not entry or not password:
            return False
        try:
            digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(entry["salt"]), n=int(entry["n"]),
                                    r=int(entry["r"]), p=int(entry["p"]), dklen=32)
        except (KeyError, ValueError):
            return False
        return hmac.compare_digest(digest.hex(), str(entry["hash"]))

    def add(self, name: str, password: str) -> None:
        """Add or reset an editor and save the file (only for a file-backed list)."""
        name = (name or "").strip()
        if not name:
            raise InvalidArgument("编辑人姓名不能为空 (an editor needs a name)")
        self.entries[name] = hash_password(password)
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
