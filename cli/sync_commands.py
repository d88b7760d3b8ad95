"""`dutygraph sync`: copy townships between the embedded store and Neo4j."""

from __future__ import annotations

import click

from graphmodel import NotFound, open_store

from .context import Settings, handle_errors, pass_settings, store_options
from .signin import operator

__all__ = ["sync"]


@click.command("sync")
@store_options
@click.option("--to-neo4j", "direction", flag_value="to-neo4j", default=True,
              help="把嵌入式存储复制到 Neo4j（默认）。Copy the embedded store into Neo4j (default).")
@click.option("--from-neo4j", "direction", flag_value="from-neo4j",
              help="把 Neo4j 复制回嵌入式存储。Copy Neo4j back into the embedded store.")
@click.option("--township", "townships", multiple=True,
              help="只复制这些乡镇（可重复）。Only these townships (repeatable); default all.")
@click.option("--editor", "editor_name", default=None, envvar="DUTYGRAPH_EDITOR",
              help="编辑人（配置了编辑人时必填）。Editor signing in (required once editors exist).")
@pass_settings
@handle_errors
def sync(settings: Settings, direction: str, townships: tuple[str, ...], editor_name: str | None) -> None:
    """在嵌入式存储和 Neo4j 之间复制清单及其审议记录（每个乡镇一个事务，重复执行不产生变化）。

    Copy townships' lists between the embedded store (--data-dir) and Neo4j
    (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD or --neo4j-uri), with their review
    records (meetings, decisions, rounds, change requests, audit trail, 赋权 list).
    Each township is replaced as a whole in one transaction; running it twice changes nothing.
    """
    operator(settings, editor_name)  # signed in, as for every write
    memory_options = {"data_dir": settings.data_dir} if settings.data_dir is not None else {}
    neo4j_options = {"uri": settings.neo4j_uri} if settings.neo4j_uri else {}
    with open_store("memory", **memory_options) as memory, open_store("neo4j", **neo4j_options) as neo4j:
        source, target = (memory, neo4j) if direction == "to-neo4j" else (neo4j, memory)
        names = townships or tuple(t.name for t in source.townships())
        missing = sorted(set(names) - {t.name for t in source.townships()})
        if missing:
            raise NotFound(f"not in {source.describe()}: {', '.join(missing)}")
        for name in names:
            done, records = target.copy_township(source, name)
            click.echo(f"{name}: {source.name} → {target.name}  新增 added {done.added}，"
                       f"删除 removed {done.removed}，修改 changed {done.changed}；"
                       f"审议记录 review records written {records}")
