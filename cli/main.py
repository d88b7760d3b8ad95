"""Entry point: `dutygraph VERB …`. Each verb is defined in a module of its own under cli/.

The verbs' modules are imported only when their verb runs: `dutygraph --help` and
`dutygraph info` would otherwise pay for pandas, openpyxl, numpy and networkx (1.4 s
measured) that only some verbs use. `--help` reads each verb's one-line help from its
module's source (``ast``) instead of importing it; tests/cli/test_startup.py checks that
this equals the imported command's help and that `--help` imports none of the heavy libraries.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import click

from .context import store_options

__all__ = ["LAZY_COMMANDS", "cli", "main"]

# Verb -> module under cli/ that defines it (keep sorted by module name). The function
# carrying ``@click.command("verb")`` / ``@click.group("verb")`` is the verb.
LAZY_COMMANDS: dict[str, str] = {
    "audit": "audit_commands",
    "compare": "county_commands",
    "upgrade": "county_commands",
    "lookup": "audit_commands",
    "query": "audit_commands",
    "dashboard": "dashboard_commands",
    "demo": "dashboard_commands",
    "delegations": "delegation_commands",
    "generate": "generate_commands",
    "export": "load_commands",
    "info": "load_commands",
    "load": "load_commands",
    "decide": "review_commands",
    "diff": "review_commands",
    "editor": "review_commands",
    "history": "review_commands",
    "meeting": "review_commands",
    "request": "review_commands",
    "rounds": "review_commands",
    "trail": "review_commands",
    "sync": "sync_commands",
}


def _verb_name(decorator: ast.expr) -> str | None:
    """``"verb"`` for a ``@click.command("verb")`` / ``@click.group("verb")`` decorator."""
    if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and isinstance(decorator.func.value, ast.Name) and decorator.func.value.id == "click"
            and decorator.func.attr in ("command", "group") and decorator.args
            and isinstance(decorator.args[0], ast.Constant)):
        return decorator.args[0].value
    return None


def source_help(module: str) -> dict[str, str]:
    """Each verb's help text in ``cli/<module>.py``, read from the source without importing it."""
    tree = ast.parse((Path(__file__).parent / f"{module}.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                name = _verb_name(decorator)
                if name:
                    found[name] = inspect.cleandoc(ast.get_docstring(node, clean=False) or "")
    return found


class LazyGroup(click.Group):
    """A group whose verbs in :data:`LAZY_COMMANDS` are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module = importlib.import_module(f"{__package__}.{LAZY_COMMANDS[cmd_name]}")
            self.add_command(getattr(module, cmd_name.replace("-", "_")), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        helps: dict[str, str] = {}
        for module in sorted(set(LAZY_COMMANDS.values())):
            helps.update(source_help(module))
        rows = []
        limit = formatter.width - 6 - max(len(n) for n in self.list_commands(ctx))
        for name in self.list_commands(ctx):
            if name in self.commands or name not in helps:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, click.Command(name, help=helps[name]).get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@store_options
@click.version_option(package_name="dutygraph")
def cli() -> None:
    """dutygraph：把乡镇履行职责事项清单变成图，找出职责交叉、空白和移交。

    dutygraph turns a township duty list into a graph and shows where
    responsibility is shared, missing or handed off.
    """


def main() -> None:
    cli()
