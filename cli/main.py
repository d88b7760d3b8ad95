"""Entry point: `dutygraph VERB …`. Each verb is defined in a module of its own under cli/."""

from __future__ import annotations

import click

from .context import store_options

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@store_options
@click.version_option(package_name="dutygraph")
def cli() -> None:
    """dutygraph：把乡镇履行职责事项清单变成图，找出职责交叉、空白和移交。

    dutygraph turns a township duty list into a graph and shows where
    responsibility is shared, missing or handed off.
    """


# Verbs, one block per command module (keep sorted by module name):
from .audit_commands import audit, lookup, query  # noqa: E402

cli.add_command(audit)
cli.add_command(lookup)
cli.add_command(query)

from .county_commands import compare  # noqa: E402

cli.add_command(compare)

from .dashboard_commands import dashboard, demo  # noqa: E402

cli.add_command(dashboard)
cli.add_command(demo)

from .generate_commands import generate  # noqa: E402

cli.add_command(generate)

from .load_commands import export, info, load  # noqa: E402

cli.add_command(export)
cli.add_command(info)
cli.add_command(load)

from .review_commands import decide, diff, editor, history, meeting, request, rounds, trail  # noqa: E402

for _command in (decide, diff, editor, history, meeting, request, rounds, trail):
    cli.add_command(_command)

from .sync_commands import sync  # noqa: E402

cli.add_command(sync)


def main() -> None:
    cli()
