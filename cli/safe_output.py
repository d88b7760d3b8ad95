"""Where ``dutygraph export -o`` may write, and how: never over the store, never through a link, all or nothing.

The rules, for the named file and every side file an export writes beside it (the village
register CSV):

- never one of the store's own files (``dutygraph.json``, its lock and temp files, anything in
  its ``dutygraph.parts`` folder, the editors and sign-in files) — an export named
  ``dutygraph.json`` once replaced the store;
- never through a symbolic link (the link could point anywhere the user may write);
- an existing file only with ``--force``;
- the suffix matches the format (an xlsx named ``.csv`` would read back as garbage);
- the files appear whole or not at all: written in a temporary directory beside the target,
  then renamed into place once every one of them is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from graphmodel.editors import EDITORS_FILE, FAILURES_FILE
from graphmodel.errors import InvalidArgument
from graphmodel.store import default_data_dir

__all__ = ["SUFFIXES", "check_suffix", "write_safely"]

#: export kind -> suffixes it may be written under
SUFFIXES = {"xlsx": (".xlsx",), "csv": (".csv", ".txt"), "minutes": (".docx", ".md"), "audit": (".xlsx",)}
FILE_NAME = "dutygraph.json"  # graphmodel.memory_store.FILE_NAME (not imported: networkx is slow to load)
PARTS_DIR = "dutygraph.parts"  # graphmodel.store_files.PARTS_DIR: the township files the head names
_STORE_FILES = {FILE_NAME, FILE_NAME + ".lock", EDITORS_FILE, FAILURES_FILE}


def check_suffix(output: Path, kind: str) -> None:
    allowed = SUFFIXES[kind]
    if output.suffix.lower() not in allowed:
        raise InvalidArgument(f"输出文件扩展名 {output.suffix or '（无）'} 与格式 {kind} 不符，应为 {'/'.join(allowed)} "
                              f"(the output suffix does not match the format {kind}: use {'/'.join(allowed)})")


def _is_store_file(target: Path, data_dirs: list[Path]) -> bool:
    name = target.name
    if name == PARTS_DIR or target.parent.name == PARTS_DIR:  # wherever it is, like dutygraph.json
        return True
    if name in _STORE_FILES or name.startswith(f".{FILE_NAME}."):
        return any(target.parent.resolve() == d for d in data_dirs) or name == FILE_NAME
    return False


def _check_target(target: Path, force: bool, data_dirs: list[Path]) -> None:
    if _is_store_file(target, data_dirs):
        raise InvalidArgument(f"不能覆盖存储自身的文件 {target} (refusing to write over the store's own file {target})")
    if target.is_symlink():
        raise InvalidArgument(f"{target} 是符号链接，不跟随写入 (refusing to write through the symbolic link {target})")
    if target.exists():
        if target.is_dir():
            raise InvalidArgument(f"{target} 是目录 (is a directory)")
        if not force:
            raise InvalidArgument(f"{target} 已存在；用 --force 覆盖 (already exists; pass --force to replace it)")


def write_safely(output: Path, write: Callable[[Path], list[Path]], *, force: bool = False,
                 data_dir: Path | None = None) -> list[Path]:
    """Call ``write(tmp_output)`` in a temporary directory beside ``output``; check every file it wrote
    against the rules above; then rename them into place. Returns the final paths."""
    output = Path(output).expanduser()
    dirs = {Path(default_data_dir()).expanduser()}
    if data_dir is not None:
        dirs.add(Path(data_dir).expanduser())
    data_dirs = [d.resolve() for d in dirs]
    _check_target(output, force, data_dirs)
    parent = output.parent if str(output.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".dutygraph-export-", dir=parent))
    try:
        written = write(tmp / output.name)
        targets = []
        for f in written:
            f = Path(f)
            if f.parent.resolve() != tmp.resolve():
                raise InvalidArgument(f"export wrote outside its directory: {f}")  # pragma: no cover - a writer bug
            target = parent / f.name
            _check_target(target, force, data_dirs)  # the side files too
            targets.append((f, target))
        for f, target in targets:
            os.replace(f, target)  # replaces a name, never follows it
        return [t for _, t in targets]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
