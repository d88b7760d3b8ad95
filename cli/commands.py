"""The list of command modules; each module defines its verbs on `cli.main.cli`."""

# One import per command module (keep sorted).
