"""The configuration file: defaults for the store, the data directory and the Neo4j address.

``$DUTYGRAPH_CONFIG``, else ``$XDG_CONFIG_HOME/dutygraph/config.toml`` (``~/.config/…``)::

    store = "memory"            # or "neo4j"
    data_dir = "/srv/dutygraph"
    neo4j_uri = "bolt://db.example:7687"

Precedence, for every setting: a command-line flag, then the environment (``DUTYGRAPH_STORE``,
``DUTYGRAPH_DATA_DIR``, ``NEO4J_URI``), then this file, then the built-in default.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from graphmodel.errors import InvalidArgument

__all__ = ["KEYS", "config_path", "config_values"]

#: setting -> the environment variable that outranks the file
KEYS = {"store_name": ("store", "DUTYGRAPH_STORE"), "data_dir": ("data_dir", "DUTYGRAPH_DATA_DIR"),
        "neo4j_uri": ("neo4j_uri", "NEO4J_URI")}


def config_path() -> Path:
    if os.environ.get("DUTYGRAPH_CONFIG"):
        return Path(os.environ["DUTYGRAPH_CONFIG"]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base).expanduser() / "dutygraph" / "config.toml"


def config_values() -> dict[str, str]:
    """The file's settings by field name (``store_name``, ``data_dir``, ``neo4j_uri``); {} without a file."""
    path = config_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InvalidArgument(f"配置文件无法读取 (cannot read the configuration file {path}): {e}") from e
    out = {}
    for name, (key, _) in KEYS.items():
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise InvalidArgument(f"{path}: {key} must be a non-empty string")
            out[name] = data[key].strip()
    unknown = sorted(set(data) - {k for k, _ in KEYS.values()})
    if unknown:
        raise InvalidArgument(f"{path}: unknown settings {', '.join(unknown)}; known: "
                              f"{', '.join(k for k, _ in KEYS.values())}")
    if out.get("store_name") not in (None, "memory", "neo4j"):
        raise InvalidArgument(f"{path}: store must be memory or neo4j, not {out['store_name']!r}")
    return out
