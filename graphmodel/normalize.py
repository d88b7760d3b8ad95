"""Conservative text normalisation and the stable keys built from it.

Keys make re-imports idempotent, so every function here must be deterministic and
must not merge things a person would keep apart: when in doubt, keep the text.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "basis_key",
    "canonical_department",
    "chinese_to_int",
    "clean_text",
    "compact",
    "dept_key",
    "int_to_chinese",
    "item_key",
    "normalise_law_title",
    "parse_citations",
    "split_multi",
    "township_key",
    "village_key",
]

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Return ``value`` as text with full-width forms folded and outer space trimmed.

    >>> clean_text("  ＡＢＣ１２３（试行） ")
    'ABC123(试行)'
    >>> clean_text(None)
    ''
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel hands codes such as 1001 back as 1001.0
    text = unicodedata.normalize("NFKC", str(value))
    return text.strip()


def compact(value: object) -> str:
    """Clean text with every whitespace removed (names never carry meaningful spaces).

    >>> compact("综合 行政\\n执法队")
    '综合行政执法队'
    """
    return _SPACES.sub("", clean_text(value))


_SPLIT = re.compile(r"[、，,；;/\n\r]+")


def split_multi(value: object) -> list[str]:
    """Split a multi-value cell on 、，,；; / and line breaks; drop empties, keep order.

    >>> split_multi("党政综合办、 经济发展办；\\n县自然资源局")
    ['党政综合办', '经济发展办', '县自然资源局']
    """
    parts = (compact(p) for p in _SPLIT.split(clean_text(value)))
    seen: dict[str, None] = {}
    for p in parts:
        if p:
            seen.setdefault(p, None)
    return list(seen)


def canonical_department(name: object, township: str = "") -> str:
    """Canonical form of a department name: compacted, township prefix and 公室 dropped.

    Only spellings that are the same office by construction are folded; anything
    else (abbreviations, old names) belongs in the user's alias table.

    >>> canonical_department("XX镇 农业农村办公室", "XX镇")
    '农业农村办'
    >>> canonical_department("镇综合行政执法队")
    '综合行政执法队'
    >>> canonical_department("县农业农村局")
    '县农业农村局'
    >>> canonical_department("乡村振兴办", "YY乡")
    '乡村振兴办'
    """
    text = compact(name)
    if township and text.startswith(township) and len(text) > len(township):
        text = text[len(township):]
    elif text.startswith("镇") and len(text) > 2:
        text = text[1:]
    elif township.endswith("乡") and text.startswith("乡") and not text.startswith("乡村"):
        text = text[1:]
    elif township.endswith("街道") and text.startswith("街道") and len(text) > 3:
        text = text[2:]
    if text.endswith("办公室"):
        text = text[: -len("公室")]
    return text


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_to_int(text: str) -> int:
    """Parse an article number in Chinese or Arabic numerals.

    >>> [chinese_to_int(t) for t in ("62", "六十二", "十", "一百零五", "二百一十")]
    [62, 62, 10, 105, 210]
    """
    text = clean_text(text)
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a numeral: {text!r}")
    return total + digit


def int_to_chinese(n: int) -> str:
    """Write an article number the way laws do (the inverse of :func:`chinese_to_int`).

    >>> [int_to_chinese(n) for n in (10, 62, 105, 210, 1000)]
    ['十', '六十二', '一百零五', '二百一十', '一千']
    """
    if n <= 0:
        raise ValueError("article numbers start at 1")
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            parts.append(digits[q] + unit)
        elif parts and n:
            if parts[-1] != "零":
                parts.append("零")
    if n:
        parts.append(digits[n])
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def normalise_law_title(title: object) -> str:
    """The key form of a law title: no book marks, no spaces, no 中华人民共和国 prefix.

    >>> normalise_law_title("《中华人民共和国 土地管理法》")
    '土地管理法'
    """
    text = compact(title).strip("《》<>")
    text = text.replace("《", "").replace("》", "")
    return text.removeprefix("中华人民共和国")


_CITATION = re.compile(
    r"《(?P<title>[^》]+)》\s*(?P<articles>(?:[第\d零〇一二两三四五六七八九十百千条款项、，,和及与\s]|\(\w+\))*)"
)
_ARTICLE = re.compile(r"第\s*([\d零〇一二两三四五六七八九十百千]+)\s*条")


def parse_citations(text: object) -> list[tuple[str, str, int]]:
    """Parse the legal-basis cell into ``(title as cited, law key title, article no)``.

    Article 0 means the law as a whole. A cell without 《》 yields one citation of
    its whole text (titles are sometimes written bare), or none when empty.

    >>> parse_citations("《中华人民共和国土地管理法》第六十二条、第七十八条；《村庄规划条例》")
    [('中华人民共和国土地管理法', '土地管理法', 62), ('中华人民共和国土地管理法', '土地管理法', 78), ('村庄规划条例', '村庄规划条例', 0)]
    >>> parse_citations("城乡规划法第65条")
    [('城乡规划法', '城乡规划法', 65)]
    """
    raw = clean_text(text)
    if not raw:
        return []
    out: list[tuple[str, str, int]] = []
    matches = list(_CITATION.finditer(raw))
    if not matches:
        # Bare title: "城乡规划法第65条" or just "城乡规划法".
        head = _ARTICLE.split(raw, maxsplit=1)[0]
        title = compact(head).strip("，,；;、")
        if not title:
            return []
        arts = [chinese_to_int(a) for a in _ARTICLE.findall(raw)] or [0]
        return [(title, normalise_law_title(title), a) for a in arts]
    for m in matches:
        title = compact(m.group("title"))
        arts = [chinese_to_int(a) for a in _ARTICLE.findall(m.group("articles") or "")]
        for a in arts or [0]:
            out.append((title, normalise_law_title(title), a))
    return list(dict.fromkeys(out))


def township_key(township: str) -> str:
    return f"township:{township}"


def item_key(township: str, code: str, name: str, sub_item: str = "") -> str:
    """Item identity: township + code, else township + compacted name (+ sub-item)."""
    base = f"item:{township}:code:{compact(code)}" if compact(code) else f"item:{township}:name:{compact(name)}"
    return f"{base}/{compact(sub_item)}" if compact(sub_item) else base


def dept_key(township: str, canonical_name: str) -> str:
    return f"dept:{township}:{canonical_name}"


def village_key(township: str, name: str) -> str:
    return f"village:{township}:{compact(name)}"


def basis_key(law_title_key: str, article: int) -> str:
    return f"basis:{law_title_key}#{article}" if article else f"basis:{law_title_key}"
