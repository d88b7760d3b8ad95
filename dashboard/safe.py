"""Text from a list is data, never markup: escape it before ``st.markdown`` (or show it as plain text).

An item named ``![x](http://host/beacon.png)`` must not make the browser fetch anything, and
``[link](http://…)`` must not render as a link. ``md`` escapes every character Markdown (and
the HTML Streamlit's Markdown accepts) gives a meaning to. Escapes do not stop GFM's autolinks
(they are found in the text after parsing), so a word joiner (U+2060, invisible) goes before
``://``, ``www.`` and ``@``.
"""

from __future__ import annotations

import re

__all__ = ["md"]

_JOIN = "\u2060"
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(?=://)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=/])")


def md(text: object) -> str:
    r"""``text`` escaped for st.markdown, so that it shows exactly as written.

    >>> md("![x](http://example.invalid/b.png)").replace("\u2060", "")
    '\\!\\[x\\]\\(http\\:\\/\\/example\\.invalid\\/b\\.png\\)'
    >>> "http://" in md("see http://example.invalid") or "www." in md("www.example.invalid")
    False
    >>> md("农村宅基地审批")
    '农村宅基地审批'
    """
    s = _SPECIAL.sub(r"\\\1", _AUTOLINK.sub(_JOIN, str(text)))
    return s.replace("\n", "  \n")
