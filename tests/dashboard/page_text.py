"""Everything an AppTest run shows a user, as strings: texts, labels, options, table columns and cells."""

from __future__ import annotations

import re

import pandas as pd

#: Internal identifiers that must never reach a user.
KEY_PATTERNS = {
    "node key": re.compile(r"\b(item|chain|dept|village|basis|township):[^\s]"),
    "finding kind": re.compile(r"\b(overlap|gap|ownership|coverage|legal|handshake|village|chain)\.[a-z_]+\b"),
    "relation name": re.compile(r"\b(LEADS|COOPERATES_ON|BASED_ON|ASSISTS|FOLLOWED_BY|IN_TOWNSHIP)\b"),
    "audit action": re.compile(r"\b(decision|request)\.(apply|propose|confirm|reject|undo|submit|review|approve)\b"),
    "ISO time": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d"),
}
#: Whole values that are identifiers when shown alone (a status, a placeholder).
KEY_VALUES = {"applied", "undone", "proposed", "rejected", "submitted", "reviewed", "approved", "empty", "index",
              "high", "medium", "low", "import", "meeting", "manual", "None", "nan", "NaN"}


def _cells(df: pd.DataFrame) -> list[str]:
    out = []
    if not isinstance(df.index, pd.RangeIndex):
        out += [str(i) for i in df.index]
    for col in df.columns:
        out += [str(v) for v in df[col].head(200).tolist() if isinstance(v, str)]
    return out


_TAG = re.compile(r"<[^<>]+>")


def shown_texts(at) -> list[tuple[str, str]]:
    """(where, text) for every piece of text the run shows."""
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error", "text"):
        # what a person sees of a markdown element: our own HTML tags (highlighted duty texts) are not shown
        out += [(kind, _TAG.sub("", str(e.value)) if kind == "markdown" else str(e.value))
                for e in getattr(at, kind) if not str(e.value).startswith("<style>")]
    for m in at.metric:
        out += [("metric", str(m.label)), ("metric", str(m.value))]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "text_area", "toggle", "checkbox", "button",
                 "date_input", "number_input", "selectbox"):
        for w in getattr(at, kind):
            out.append((kind, str(getattr(w, "label", ""))))
            for o in getattr(w, "options", None) or []:
                out.append((f"{kind} option", str(o)))
            ph = getattr(getattr(w, "proto", None), "placeholder", "")
            if ph:
                out.append((f"{kind} placeholder", str(ph)))
    for d in at.dataframe:
        out += [("table-col", str(c)) for c in d.value.columns]
        out += [("table", c) for c in _cells(d.value)]
    for e in at.get("segmented_control"):
        out.append(("segmented", str(getattr(e, "label", ""))))
    return out


def leaks(texts: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    found = []
    for where, text in texts:
        for name, pat in KEY_PATTERNS.items():
            if pat.search(text):
                found.append((name, where, text[:120]))
        if text.strip() in KEY_VALUES:
            found.append(("identifier", where, text))
    return found


_EN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def english_words(texts: list[tuple[str, str]], allowed: set[str]) -> list[tuple[str, str]]:
    """English words (of four letters or more) in Chinese mode, other than those ``allowed``."""
    found = []
    for where, text in texts:
        for w in _EN_WORD.findall(text):
            if w not in allowed and w.lower() not in allowed:
                found.append((where, text[:120]))
                break
    return found


_HAN = re.compile(r"[\u4e00-\u9fff]")
