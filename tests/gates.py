"""When a test needs Neo4j or a browser that this machine lacks: skip with the reason, or fail.

``DUTYGRAPH_REQUIRE_NEO4J=1`` / ``DUTYGRAPH_REQUIRE_BROWSER=1`` (CI sets both) turn the skip
into a failure, so CI can never pass by skipping. The reason is printed either way (and
``-ra`` in pytest's options lists it in the summary).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEO4J = "DUTYGRAPH_REQUIRE_NEO4J"
BROWSER = "DUTYGRAPH_REQUIRE_BROWSER"


def required(var: str) -> bool:
    return os.environ.get(var, "") not in ("", "0", "false", "no")


def unavailable(reason: str, var: str) -> None:
    """Skip the test because ``reason``; fail instead when ``var`` says it is required."""
    if required(var):
        pytest.fail(f"{reason} ({var}=1 makes this a failure)", pytrace=False)
    print(f"skipped: {reason}")
    pytest.skip(reason)


def load_script(name: str) -> ModuleType:
    """Import ``scripts/<name>.py`` (scripts/ is not a package) once per run."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclass/typing lookups want it registered
    spec.loader.exec_module(module)
    return module
