"""Problems found while reading a duty list: where (file, sheet, row, column), what, how bad."""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.safe_text import has_unsafe, printable

__all__ = [
    "CODES",
    "ERROR",
    "WARNING",
    "Problem",
    "column_letter",
    "sort_problems",
]

ERROR = "error"
WARNING = "warning"

#: Reason code -> (severity, Chinese sentence, short English). The sentence is the default
#: message; a problem may carry a more specific one.
CODES: dict[str, tuple[str, str, str]] = {
    # the file as a whole (stop before rows)
    "file_not_found": (ERROR, "找不到文件", "file not found"),
    "empty_file": (ERROR, "文件是空的", "file is empty"),
    "not_spreadsheet": (ERROR, "不是表格文件（.xlsx/.xls/.csv）", "not a spreadsheet"),
    "unreadable": (ERROR, "文件无法读取", "file cannot be read"),
    "no_header": (ERROR, "找不到表头（至少要有“事项名称”列）", "no recognisable header row"),
    "no_items": (ERROR, "清单中没有任何事项，导入会清空该乡镇", "the list holds no items; importing it would empty the township"),
    "township_mismatch": (ERROR, "多个文件的乡镇名称不一致", "files name different townships"),
    "county_mismatch": (WARNING, "标题行写的县与 --county 不同（按 --county 导入）", "the title row names another county than --county (imported under --county)"),
    "bad_township_name": (ERROR, "乡镇名称不可用（为空、过长或含控制字符）", "the township name is empty, too long or holds control characters"),
    "too_large": (ERROR, "文件或工作表超过读取上限", "file or sheet over the reading limits"),
    "encrypted": (ERROR, "工作簿已加密（有打开密码），请另存为不加密的文件", "the workbook is encrypted; save an unencrypted copy"),
    "bad_encoding": (ERROR, "文本编码无法识别（支持 UTF-8、GBK/GB18030、带 BOM 的 UTF-16/UTF-32）",
                     "unknown text encoding (UTF-8, GBK/GB18030, UTF-16/32 with BOM)"),
    "cell_too_long": (ERROR, "单元格文字过长", "cell text over the length limit"),
    "control_chars": (WARNING, "单元格含控制字符或方向控制符，已删除", "control or bidi characters removed from the cell"),
    "merged_serial_header": (WARNING, "表头合并单元格盖住了序号列，已按序号列和下一列分开读取",
                             "a merged header cell covered the 序号 column; read as 序号 and the next column"),
    "unclosed_quote": (ERROR, "CSV 引号未闭合，后面的行会被并入一个单元格", "a quote in the CSV is never closed"),
    "hidden_sheet": (WARNING, "隐藏的工作表，已跳过（--include-hidden-sheets 可导入）",
                     "hidden sheet skipped (--include-hidden-sheets reads it)"),
    # rows
    "missing_name": (ERROR, "有内容但缺少事项名称", "row has content but no item name"),
    "duplicate_code": (ERROR, "同一事项编码用于两个不同事项", "same code for two different items"),
    "duplicate_name": (ERROR, "同名事项出现两次且内容不同（无编码）", "same item name twice with different content"),
    "bad_type": (ERROR, "单元格类型不对", "cell has the wrong type"),
    "sheet_skipped": (WARNING, "工作表没有可识别的表头，已跳过", "sheet has no recognisable header, skipped"),
    "duplicate_row": (WARNING, "重复行，已忽略", "duplicate row ignored"),
    "no_lead": (WARNING, "没有责任主体", "no lead department"),
    "lead_unconfirmed": (WARNING, "责任主体待定，未建立牵头关系", "lead is a placeholder"),
    "no_basis": (WARNING, "没有法律依据", "no legal basis"),
    "no_time_limit": (WARNING, "没有办理时限", "no time limit"),
    "unknown_power_type": (WARNING, "事项类型不在十类之内，按原文保留", "power type outside the ten, kept as written"),
    "unknown_next_item": (WARNING, "后续事项在清单中找不到", "next item names no item of the list"),
    "unknown_department": (WARNING, "部门不在别名表中", "department not in the alias table"),
    "unknown_village": (WARNING, "村（社区）不在名册中", "village not in the village register"),
    "no_village_register": (WARNING, "写了“各村/全部”但没有村（社区）名册", "all villages named but no village register"),
    "unparsed_basis": (WARNING, "法律依据无法解析", "legal basis could not be parsed"),
    "duplicate_column": (WARNING, "两列对应同一字段，后一列按未识别列保留", "two columns map to one field"),
    "ditto_unresolved": (WARNING, "“同上”上方没有可引用的内容，已留空", "同上 with nothing above: left empty"),
    "village_group": (WARNING, "村（社区）写成了一组（如“沿河各村”），未对应到名册中的村，按原文保留",
                      "a group of villages, not resolved to villages: kept as text"),
    "role_in_cell": (WARNING, "单元格内写明了牵头/配合，按所写读入", "roles written in the cell (牵头/配合), read as written"),
    "villages_as_department": (WARNING, "部门列写了村（社区），按村（社区）协助读入，不作为部门",
                               "villages named in a department column: read as the villages assisting, not a department"),
    "unmapped_column": (WARNING, "未识别的列，按原文保留在附加字段", "column not mapped to a field, kept verbatim"),
    "department_merge_suggested": (WARNING, "可能是同一部门的不同名称，建议写入别名表",
                                   "probably one department under two names: add it to your alias file"),
    "same_duty_in_parts": (WARNING, "同一事项出现在两个清单类别中，分别导入并标为同一职责",
                           "the same item in two list parts: imported as two items linked as one duty"),
    "unknown_part": (WARNING, "清单类别无法识别，记为未分类", "list part not recognised"),
}


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index.

    >>> [column_letter(i) for i in (0, 2, 25, 26, 701, 702)]
    ['A', 'C', 'Z', 'AA', 'ZZ', 'AAA']
    """
    if index < 0:
        raise ValueError("column index must be >= 0")
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with a duty list, located the way a person finds it in Excel.

    ``row`` is the 1-based row number Excel shows (0 = the whole file or sheet);
    ``column`` the header text and ``column_letter`` the Excel letter.

    >>> p = Problem(file="样例.xlsx", sheet="基本履职事项", row=12, column="事项名称",
    ...             column_letter="C", code="missing_name")
    >>> print(p)
    样例.xlsx / 基本履职事项 第12行 C列「事项名称」: 有内容但缺少事项名称 (row has content but no item name)
    >>> p.severity
    'error'
    """

    code: str
    file: str = ""
    sheet: str = ""
    row: int = 0
    column: str = ""
    column_letter: str = ""
    value: str = ""
    message: str = ""
    severity: str = ""

    def __post_init__(self) -> None:
        for name in ("file", "sheet", "column", "value", "message"):  # never print list text raw to a terminal
            text = getattr(self, name)
            if isinstance(text, str) and has_unsafe(text):
                object.__setattr__(self, name, printable(text))
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")
        severity, zh, en = CODES[self.code]
        if not self.message:
            object.__setattr__(self, "message", f"{zh} ({en})")
        if not self.severity:
            object.__setattr__(self, "severity", severity)
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"severity must be {ERROR!r} or {WARNING!r}")

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        """``file / sheet 第N行 C列「header」`` with the parts that are known."""
        where = " / ".join(p for p in (self.file, self.sheet) if p)
        cell = ""
        if self.row:
            cell += f"第{self.row}行"
        if self.column_letter:
            cell += f" {self.column_letter}列"
        if self.column:
            cell += f"「{self.column}」"
        return " ".join(p for p in (where, cell.strip()) if p)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.value and self.value not in self.message:
            text += f" 〔{self.value}〕"
        return text


def _sort_key(p: Problem) -> tuple:
    return (0 if p.is_error else 1, p.file, p.sheet, p.row, len(p.column_letter), p.column_letter, p.code)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file, sheet, row and column; exact duplicates dropped."""
    return sorted(dict.fromkeys(problems), key=_sort_key)
