"""The baseline: the same questions answered the way a capable clerk scripts them in pandas.

The clerk stacks every township's sheets into one flat table (one row per item, the
cells as written) and answers each question with string splits, ``explode``,
``groupby`` and ``merge`` on that table — nothing is indexed ahead, every question scans.
Building the flat table is timed separately (``flat_sheet``); each question is timed on
the finished table, as our queries are timed on a loaded store.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from loaders import read_file

__all__ = ["QUESTIONS", "flat_sheet"]

_LEAD = ("责任科室", "对应上级部门", "承接部门")
_COOP = ("配合部门", "镇街配合科室")
_COLUMNS = {"事项名称": "name", "事项编码": "code", "事项类型": "power_type", "法律依据": "basis",
            "办理时限": "time_limit", "实施程序": "procedure", "事项类别": "category"}
_PLACEHOLDERS = {"待定", "待明确", "暂无", "无", "/", "-"}
_PARTS = ("基本履职事项", "配合履职事项", "上级部门收回事项")
_ALIASES = Path(__file__).resolve().parents[1] / "loaders" / "data" / "department_aliases.csv"
_CITATION = r"《(?P<law>[^》]+)》(?P<article>第[一二三四五六七八九十百零〇\d]+条)?"


def _sheet_frame(rows: list[list[object]], township: str, part: str) -> pd.DataFrame:
    header = [str(c or "").strip() for c in rows[1]]
    name_col = header.index("事项名称")
    body = [r for r in rows[2:] if str(r[name_col] or "").strip() and not str(r[0]).startswith("填表说明")]
    df = pd.DataFrame(body, columns=header[: len(body[0])] if body else header).astype(str)
    out = pd.DataFrame({"township": township, "part": part}, index=df.index)
    for src, dst in _COLUMNS.items():
        out[dst] = df[src].str.strip() if src in df else ""
    out["lead"] = next((df[c] for c in _LEAD if c in df), "")
    out["coop"] = next((df[c] for c in _COOP if c in df), "")
    if "category" in out:
        out["category"] = out["category"].replace("", pd.NA).ffill().fillna("")  # merged cells
    return out


def flat_sheet(townships: list[list[Path]]) -> pd.DataFrame:
    """One row per item of every township, as the sheets wrote them."""
    frames = []
    for files in townships:
        for f in files:
            for sheet in read_file(f):
                title = str(sheet.rows[0][0] or "")
                part = next((p for p in _PARTS if p in title), None)
                if part is None:
                    continue  # the village register
                township = title.split("履行职责事项清单")[0]
                frames.append(_sheet_frame(sheet.rows, township, part))
    df = pd.concat(frames, ignore_index=True)
    df = df.replace("None", "")
    return df


def aliases() -> pd.DataFrame:
    with _ALIASES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return pd.DataFrame(rows)


def _leads(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (item, lead department) with the alias table merged in (names reconciled)."""
    long = df[["township", "name", "lead"]].assign(dept=df["lead"].str.split(r"[、，,；;/]")).explode("dept")
    long["dept"] = long["dept"].fillna("").str.strip()
    long["dept"] = long["dept"].str.replace(r"^镇", "", regex=True)
    long = long[(long["dept"] != "") & ~long["dept"].isin(_PLACEHOLDERS)]
    merged = long.merge(aliases(), how="left", left_on="dept", right_on="alias")
    merged["dept"] = merged["canonical"].fillna(merged["dept"])
    return merged[["township", "name", "dept"]]


def multi_lead(df: pd.DataFrame) -> pd.DataFrame:
    n = _leads(df).groupby(["township", "name"])["dept"].nunique()
    return n[n >= 2].reset_index()


def no_lead(df: pd.DataFrame) -> pd.DataFrame:
    lead = df["lead"].str.strip()
    return df[lead == ""]


def unconfirmed(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["lead"].str.strip().isin(_PLACEHOLDERS)]


def _citations(df: pd.DataFrame) -> pd.DataFrame:
    cites = df["basis"].str.replace("中华人民共和国", "", regex=False).str.extractall(_CITATION)
    cites = cites.reset_index(level=1, drop=True).join(df[["township", "name"]])
    return cites


def shared_articles(df: pd.DataFrame) -> pd.DataFrame:
    cites = _citations(df).dropna(subset=["article"])
    long = cites.merge(_leads(df), on=["township", "name"])
    g = long.groupby(["township", "law", "article"]).agg(items=("name", "nunique"), offices=("dept", "nunique"))
    return g[(g["items"] >= 2) & (g["offices"] >= 2)].reset_index()


def department_load(df: pd.DataFrame) -> pd.DataFrame:
    return _leads(df).groupby(["township", "dept"]).size().rename("items").reset_index()


def missing_fields(df: pd.DataFrame) -> pd.DataFrame:
    basic = df["part"] == "基本履职事项"
    lacking = (df["code"] == "") | ((df["part"] != "上级部门收回事项") & (df["time_limit"] == "")) | (
        basic & (df["procedure"] == ""))
    return df[lacking]


def power_type_counts(df: pd.DataFrame) -> pd.DataFrame:
    return df.groupby(["township", "power_type"]).size().rename("items").reset_index()


def no_basis(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df["basis"].str.contains("《", regex=False)]


def most_cited(df: pd.DataFrame) -> pd.DataFrame:
    return _citations(df).groupby(["law", "article"], dropna=False).size().nlargest(20).reset_index()


#: our query name -> the clerk's pandas answer to the same question
QUESTIONS = {
    "multi_lead": multi_lead,
    "no_lead": no_lead,
    "unconfirmed": unconfirmed,
    "shared_articles": shared_articles,
    "department_load": department_load,
    "missing_fields": missing_fields,
    "power_type_counts": power_type_counts,
    "no_basis": no_basis,
    "most_cited": most_cited,
}
