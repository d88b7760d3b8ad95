"""Read township duty lists (Excel/CSV) into the graph model, and write them back.

Typical use::

    from graphmodel import open_store
    from loaders import read_list, export_township

    result = read_list(["样例镇履行职责事项清单.xlsx"])   # LoadError lists every error
    open_store().replace_township(result.tlist)
"""

from .api import LoadResult, read_list
from .departments import AliasTable, load_aliases
from .headers import SynonymTable, load_synonyms
from .problems import Problem
from .readers import RawSheet, read_file
from .writers import export_township, write_csv, write_xlsx

__all__ = [
    "AliasTable",
    "LoadResult",
    "Problem",
    "RawSheet",
    "SynonymTable",
    "export_township",
    "load_aliases",
    "load_synonyms",
    "read_file",
    "read_list",
    "write_csv",
    "write_xlsx",
]
