"""Text from a list is data, never markup: escape it before ``st.markdown`` (or show it as plain text).

An item named ``![x](http://host/beacon.png)`` must not make the browser fetch anything, and
``[link](http://…)`` must not render as a link. ``md`` escapes every character Markdown (and
the HTML Streamlit's Markdown accepts) gives a meaning to.
"""

from __future__ import annotations

import re

__all__ = ["md"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=/])")


def md(text: object) -> str:
    r"""``text`` escaped for st.markdown, so that it shows exactly as written.

    >>> md("![x](http://example.invalid/b.png)")
    '\\!\\[x\\]\\(http\\:\\/\\/example\\.invalid\\/b\\.png\\)'
    >>> md("农村宅基地审批")
    '农村宅基地审批'
    """
    s = _SPECIAL.sub(r"\\\1", str(text))
    return s.replace("\n", "  \n")
