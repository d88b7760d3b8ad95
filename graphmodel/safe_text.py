"""Text from a list is hostile: control and bidi characters, names that are too long.

Control characters (C0 but tab/newline/CR, DEL, C1, NUL) can drive a terminal (an ESC
sequence in a cell printed by ``dutygraph load``) or break XML writers; bidi overrides
make a name read differently from what it is (``U+202E`` turns 镇甲 into 甲镇 on screen).
The readers strip them from every cell and say where; names that identify a township are
refused outright.
"""

from __future__ import annotations

import re

from .errors import InvalidArgument

__all__ = ["MAX_TOWNSHIP_NAME", "UNSAFE", "check_township_name", "has_unsafe", "printable", "strip_unsafe"]

#: C0 (but \t \n \r), DEL, C1, the bidi controls, and U+FEFF (a second BOM inside text).
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: Longest township name accepted (the longest real names are about 15 characters).
MAX_TOWNSHIP_NAME = 40
_SPACES = re.compile(r"\s+")


def has_unsafe(text: str) -> bool:
    return UNSAFE.search(text) is not None


def strip_unsafe(text: str) -> str:
    """``text`` without control, bidi and BOM characters.

    >>> strip_unsafe("甲\\x1b[31m乙\\u202e丙\\x00")
    '甲[31m乙丙'
    """
    return UNSAFE.sub("", text)


def printable(text: str) -> str:
    """``text`` with every unsafe character shown as ``<U+XXXX>``, fit for a terminal or a log.

    >>> printable("镇\\u202e甲")
    '镇<U+202E>甲'
    """
    return UNSAFE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def check_township_name(name: object) -> str:
    """The township name with its whitespace removed (as every verb reads it), or InvalidArgument.

    >>> check_township_name(" XX 镇 ")
    'XX镇'
    """
    text = _SPACES.sub("", str(name or ""))
    if not text:
        raise InvalidArgument("乡镇名称不能为空 (the township name is empty)")
    if has_unsafe(text):
        raise InvalidArgument(f"乡镇名称含控制字符或方向控制符 (the township name holds control or bidi "
                              f"characters): {printable(text)}")
    if len(text) > MAX_TOWNSHIP_NAME:
        raise InvalidArgument(f"乡镇名称过长：{len(text)} 个字符，最多 {MAX_TOWNSHIP_NAME} "
                              f"(the township name has {len(text)} characters; at most {MAX_TOWNSHIP_NAME})")
    return text
