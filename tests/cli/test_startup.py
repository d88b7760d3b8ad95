"""`dutygraph --help` and `dutygraph info` start without the heavy libraries (cli/main.py's lazy verbs).

An import check, not a timing: the start-up times are measured in bench/ (bench/run.py, "CLI start-up").
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.main import LAZY_COMMANDS, cli, source_help

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "openpyxl", "pyarrow", "streamlit", "networkx", "queries", "docx")

# Runs the console script's entry point in a fresh interpreter and prints what got imported.
_PROBE = """
import json, sys
from cli.main import main
sys.argv = ["dutygraph", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\nMODULES " + json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def _imported(args: list[str], tmp_path: Path) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUTYGRAPH_DATA_DIR": str(tmp_path), "DUTYGRAPH_STORE": "memory"}
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("MODULES ")]
    assert line, done.stderr
    return set(json.loads(line[-1][len("MODULES "):]))


def test_help_imports_no_heavy_library(tmp_path):
    modules = _imported(["--help"], tmp_path)
    assert "click" in modules  # the probe saw the run
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_info_imports_only_what_the_store_needs(tmp_path):
    modules = _imported(["info", "--json"], tmp_path)
    assert "graphmodel" in modules
    # the embedded store is a networkx graph; nothing else heavy is needed to count it
    assert not modules & (set(HEAVY) - {"networkx"}), sorted(modules & set(HEAVY))


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_help_read_from_source_is_the_commands_help(name):
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, name
    assert source_help(LAZY_COMMANDS[name])[name] == inspect.cleandoc(command.help or ""), name
    width = 80
    assert (click.Command(name, help=source_help(LAZY_COMMANDS[name])[name]).get_short_help_str(width)
            == command.get_short_help_str(width)), name


def test_every_verb_is_lazy_or_registered():
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        assert isinstance(cli.get_command(ctx, name), click.Command), name
