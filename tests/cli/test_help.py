"""Every verb of `dutygraph` explains itself in Chinese and English, and so does every option."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.main import cli


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _has_english(text: str) -> bool:
    return any(ch.isascii() and ch.isalpha() for ch in text)


_CTX = click.Context(cli)
_VERBS = cli.list_commands(_CTX)  # the verbs' modules are imported lazily (cli/main.py)


def test_the_group_lists_every_verb():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in _VERBS:
        assert name in result.output


@pytest.mark.parametrize("name", _VERBS)
def test_every_command_and_option_has_help(name):
    command = cli.get_command(_CTX, name)
    assert command.help and _has_chinese(command.help) and _has_english(command.help), name
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts} has no help"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
