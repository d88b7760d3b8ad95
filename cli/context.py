"""Options every command shares (store, data directory, output format) and how errors end a run."""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from graphmodel import DutyGraphError, DutyStore, LoadError, open_store
from graphmodel.report import error_report

from .config import KEYS, config_values

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "Settings", "handle_errors", "pass_settings", "store_options"]

# Exit codes scripts can rely on.
EXIT_OK = 0
EXIT_ERROR = 1  # the command failed (bad input, store unavailable)
EXIT_USAGE = 2  # click's own code for a wrong command line
EXIT_FINDINGS = 3  # audit --fail-on: a finding kind asked for is present


@dataclass
class Settings:
    store_name: str | None = None
    data_dir: Path | None = None
    neo4j_uri: str | None = None
    as_json: bool = False
    _store: DutyStore | None = None
    _from_flag: set[str] = field(default_factory=set)  # settings given on the command line

    def store(self) -> DutyStore:
        if self._store is None:
            options: dict = {}
            if self.data_dir is not None:
                options["data_dir"] = self.data_dir
            if self.neo4j_uri is not None:
                options["uri"] = self.neo4j_uri
            name = self.store_name or ("neo4j" if self.neo4j_uri else None)
            self._store = open_store(name, **options)
            lock = getattr(self._store, "file_lock", None)
            if lock is not None:  # another process is writing the embedded store: say why we wait
                lock.on_wait = lambda message: click.echo(message, err=True)
        return self._store


pass_settings = click.make_pass_decorator(Settings, ensure=True)


def store_options(f):
    """--store / --data-dir / --neo4j-uri on every command (they may also precede the verb)."""

    def set_field(name):
        # The options exist on the group and on every verb, so this runs twice: a flag given before
        # the verb must not be overwritten by the verb's copy reading the environment. Precedence:
        # flag > environment > configuration file (cli/config.py) > default.
        def callback(ctx: click.Context, param, value):
            settings = ctx.ensure_object(Settings)
            env = os.environ.get(KEYS[name][1]) if param.envvar else None
            # click does not know a value's source yet when the callback runs: one that differs
            # from the environment's came from the command line
            from_env = env is not None and value is not None and str(value) == str(param.type_cast_value(ctx, env))
            if value is not None:
                if not from_env:
                    setattr(settings, name, value)
                    settings._from_flag.add(name)
                elif name not in settings._from_flag:
                    setattr(settings, name, value)
            elif getattr(settings, name) is None and not os.environ.get(KEYS[name][1]):
                try:
                    configured = config_values().get(name)
                except DutyGraphError as e:
                    raise click.UsageError(str(e)) from e
                if configured is not None:
                    setattr(settings, name, Path(configured).expanduser() if name == "data_dir" else configured)
            return value

        return callback

    f = click.option("--store", "store_name", type=click.Choice(["memory", "neo4j"]), default=None, expose_value=False,
                     envvar="DUTYGRAPH_STORE", callback=set_field("store_name"),
                     help="存储后端 Store backend: memory (embedded, default) or neo4j.")(f)
    f = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None, expose_value=False,
                     envvar="DUTYGRAPH_DATA_DIR", callback=set_field("data_dir"),
                     help="数据目录 Data directory of the embedded store (default ~/.local/share/dutygraph).")(f)
    f = click.option("--neo4j-uri", default=None, expose_value=False, callback=set_field("neo4j_uri"),
                     help="Neo4j 地址 Bolt URI; implies --store neo4j (user/password from NEO4J_USER/NEO4J_PASSWORD).")(f)
    return f


def handle_errors(f):
    """Turn our errors into one clear line (or a JSON error report) and a reliable exit code."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        settings = ctx.find_object(Settings)
        try:
            return f(*args, **kwargs)
        except LoadError as e:
            if settings and settings.as_json:
                click.echo(json.dumps(error_report(str(e), e.problems), ensure_ascii=False, indent=2))
            else:
                click.echo(f"错误 Error: {e}", err=True)
                for p in e.problems[:50]:
                    click.echo(f"  - {p}", err=True)
                if len(e.problems) > 50:
                    click.echo(f"  … {len(e.problems) - 50} more", err=True)
            sys.exit(EXIT_ERROR)
        except DutyGraphError as e:
            if settings and settings.as_json:
                click.echo(json.dumps(error_report(str(e)), ensure_ascii=False, indent=2))
            else:
                click.echo(f"错误 Error: {e}", err=True)
            sys.exit(EXIT_ERROR)
        finally:
            if settings and settings._store is not None:
                settings._store.close()
                settings._store = None

    return wrapper
