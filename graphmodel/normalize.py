"""Conservative text normalisation and the stable keys built from it.

Keys make re-imports idempotent, so every function here must be deterministic and
must not merge things a person would keep apart: when in doubt, keep the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

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
    "Citation",
    "parse_basis",
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
    if type(value) is str:  # memoised: a list repeats its cell texts (bench: 0.6 s of a county read)
        text = _CLEANED.get(value)
        if text is None:
            if len(_CLEANED) >= _MEMO_MAX:
                _CLEANED.clear()
            text = _CLEANED[value] = unicodedata.normalize("NFKC", value).strip()
        return text
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel hands codes such as 1001 back as 1001.0
    text = unicodedata.normalize("NFKC", str(value))
    return text.strip()


#: text -> its clean / compact form; pure functions of a str, cleared past _MEMO_MAX entries
_CLEANED: dict[str, str] = {}
_COMPACTED: dict[str, str] = {}
_MEMO_MAX = 500_000


def compact(value: object) -> str:
    """Clean text with every whitespace removed (names never carry meaningful spaces).

    >>> compact("综合 行政\\n执法队")
    '综合行政执法队'
    """
    if type(value) is str:
        text = _COMPACTED.get(value)
        if text is None:
            if len(_COMPACTED) >= _MEMO_MAX:
                _COMPACTED.clear()
            text = _COMPACTED[value] = _SPACES.sub("", clean_text(value))
        return text
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


@lru_cache(maxsize=4096)  # every basis label writes its article: 60,000 labels of 90,000 cards (profiled)
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


_NUM = r"[\d零〇一二两三四五六七八九十百千]+"
_BASIS_TOKEN = re.compile(
    r"(?P<title>《[^《》]+》)"
    r"|(?P<doc>[\u4e00-\u9fffA-Za-z]{1,12}[〔\[(]\s*\d{4}\s*[〕\])]\s*第?\s*\d+\s*号)"
    rf"|(?P<art>第\s*\(?(?P<n>{_NUM})\)?\s*(?P<unit>条|款|项))"
    r"|(?P<sep>[；;。\n]+)"
    r"|(?P<paren>\([^()]*\))"
    r"|(?P<other>[^《第；;。\n()]+|第|\(|\)|《)"
)
_DOC_NO = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}[〔\[(]\s*\d{4}\s*[〕\])]\s*第?\s*\d+\s*号")
_BARE_NOISE = re.compile(r"^(?:[、，,和及与以及]|依据|根据|依照|参照|按照|遵照|详见|见|法律依据|依据为|文件|[:：]|\s)+|"
                         r"(?:的?有关规定|的?相关规定|的?规定|等|[、，,和及与:：\s])+$")
_LAW_WORD = re.compile(r"(法|条例|规定|办法|细则|决定|通知|意见|规则|规程|标准|纲要|方案|解释|法典|守则|制度)$")


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited provision: the title as cited, its key title, and 条 / 款 / 项 (0 = not given).

    ``doc_no`` is a normative document's 文号 (X政发〔2020〕12号); it is part of ``law``, the
    document's identifier, since two notices may share a title.
    """

    title: str
    law: str
    article: int = 0
    paragraph: int = 0  # 款
    item: int = 0  # 项
    doc_no: str = ""

    @property
    def text(self) -> str:
        """The citation as a relation keeps it: ``《title》（文号）第N条第N款第N项``."""
        out = f"《{self.title}》" + (f"（{self.doc_no}）" if self.doc_no and self.doc_no != self.title else "")
        for n, unit in ((self.article, "条"), (self.paragraph, "款"), (self.item, "项")):
            if n:
                out += f"第{int_to_chinese(n)}{unit}"
        return out


def _bare_title(text: str) -> str:
    return _BARE_NOISE.sub("", compact(text)).strip("《》")


def parse_basis(text: object) -> list[Citation]:
    """Parse a legal-basis cell into every provision it cites; never drop an article.

    Reads lists of articles after one title (、，；和 及), 第X条第X款第X项, documents cited with
    their 文号, 参照 / 依照 / 根据 prefixes, and titles with 《》 missing or doubled.

    >>> [c.text for c in parse_basis("《土地管理法》第二十条；第二十三条")]
    ['《土地管理法》第二十条', '《土地管理法》第二十三条']
    >>> [c.text for c in parse_basis("参照《关于加强农村建房管理的通知》（X政发〔2020〕12号）第五条")]
    ['《关于加强农村建房管理的通知》（X政发〔2020〕12号）第五条']
    >>> [c.text for c in parse_basis("X政办发〔2021〕3号文件第二条")]
    ['《X政办发〔2021〕3号》第二条']
    >>> [c.text for c in parse_basis("依据《《消防法》》第三十一条第二款第（三）项、第三款和城乡规划法第65条")]
    ['《消防法》第三十一条第二款第三项', '《消防法》第三十一条第三款', '《城乡规划法》第六十五条']
    """
    if type(text) is str:  # memoised on the text: a list cites the same laws row after row
        found = _PARSED.get(text)
        if found is None:
            if len(_PARSED) >= 100_000:
                _PARSED.clear()
            found = _PARSED[text] = tuple(_parse_basis(text))
        return list(found)
    return _parse_basis(text)


_PARSED: dict[str, tuple[Citation, ...]] = {}


def _parse_basis(text: object) -> list[Citation]:
    raw = clean_text(text)
    if not raw:
        return []
    has_marks = "《" in raw and "》" in raw
    raw = re.sub(r"《+", "《", re.sub(r"》+", "》", raw))
    out: list[Citation] = []
    title: str | None = None
    doc = ""
    arts: list[list[int]] = []
    pending = ""

    def flush() -> None:
        if title:
            law = normalise_law_title(title) + (f"({compact(doc)})" if doc and compact(doc) != title else "")
            for a, p, i in arts or [[0, 0, 0]]:
                out.append(Citation(title, law, a, p, i, compact(doc)))

    def bare_candidate() -> str:
        cand = _bare_title(pending)
        if len(cand) >= 2 and (not has_marks or _LAW_WORD.search(cand)):
            return cand
        return ""

    for m in _BASIS_TOKEN.finditer(raw):
        kind = m.lastgroup if m.lastgroup != "n" and m.lastgroup != "unit" else "art"
        if m.group("title"):
            flush()
            title, doc, arts, pending = compact(m.group("title")).strip("《》"), "", [], ""
        elif m.group("doc") or (m.group("paren") and _DOC_NO.search(m.group("paren"))):
            found = _DOC_NO.search(m.group(0)).group(0)
            if title is None or arts:
                cand = bare_candidate()
                flush()
                title, arts = (cand or found), []
            doc, pending = found, ""
        elif m.group("art"):
            cand = bare_candidate()
            if cand:
                flush()
                title, doc, arts = cand, "", []
            pending = ""
            if title is None:
                continue
            n, unit = chinese_to_int(m.group("n")), m.group("unit")
            if unit == "条":
                arts.append([n, 0, 0])
            elif unit == "款":
                if arts and not arts[-1][1] and not arts[-1][2]:
                    arts[-1][1] = n
                else:
                    arts.append([arts[-1][0] if arts else 0, n, 0])
            elif arts and not arts[-1][2]:
                arts[-1][2] = n
            else:
                arts.append([arts[-1][0] if arts else 0, arts[-1][1] if arts else 0, n])
        elif m.group("sep"):
            cand = bare_candidate()
            if cand and (title is None or not has_marks or _LAW_WORD.search(cand)):
                flush()
                title, doc, arts = cand, "", []
            pending = ""
        elif kind in ("other", "paren"):
            pending += m.group(0) if kind == "other" else ""
    cand = bare_candidate()
    if cand:
        flush()
        title, doc, arts = cand, "", []
    flush()
    return list(dict.fromkeys(out))


def parse_citations(text: object) -> list[tuple[str, str, int]]:
    """Parse the legal-basis cell into ``(title as cited, law key title, article no)``.

    Article 0 means the law as a whole. A cell without 《》 yields one citation of
    its whole text (titles are sometimes written bare), or none when empty. See
    :func:`parse_basis` for 款, 项 and 文号.

    >>> parse_citations("《中华人民共和国土地管理法》第六十二条、第七十八条；《村庄规划条例》")
    [('中华人民共和国土地管理法', '土地管理法', 62), ('中华人民共和国土地管理法', '土地管理法', 78), ('村庄规划条例', '村庄规划条例', 0)]
    >>> parse_citations("城乡规划法第65条")
    [('城乡规划法', '城乡规划法', 65)]
    """
    return list(dict.fromkeys((c.title, c.law, c.article) for c in parse_basis(text)))


def township_key(township: str) -> str:
    return f"township:{township}"


def item_key(township: str, code: str, name: str, sub_item: str = "") -> str:
    """Item identity: township + code, else township + compacted name (+ sub-item)."""
    code, sub_item = compact(code), compact(sub_item)
    base = f"item:{township}:code:{code}" if code else f"item:{township}:name:{compact(name)}"
    return f"{base}/{sub_item}" if sub_item else base


def dept_key(township: str, canonical_name: str) -> str:
    return f"dept:{township}:{canonical_name}"


def village_key(township: str, name: str) -> str:
    return f"village:{township}:{compact(name)}"


def basis_key(law_title_key: str, article: int) -> str:
    return f"basis:{law_title_key}#{article}" if article else f"basis:{law_title_key}"
