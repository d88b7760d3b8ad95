"""导入 Import: upload a list, see every problem with its row and column, then import — never before."""

import streamlit as st

from dashboard import state
from dashboard.i18n import lang, shown_as, t, term
from dashboard.review import editor
from dashboard.safe import md
from dashboard.tables import table
from loaders.headers import FIELDS

#: The list parts ``--part`` takes (loaders.values.part_of reads them), with the part each names.
PARTS = {"基本": "基本履职事项", "配合": "配合履职事项", "收回": "上级部门收回事项"}


def render() -> None:
    st.title(t("page.import"))
    uploads = st.file_uploader(t("im.upload"), type=["xlsx", "xls", "csv"], accept_multiple_files=True, key="upload")
    township = st.text_input(t("im.township"), key="import_township").strip()
    with st.expander(t("im.overrides"), expanded=bool(st.session_state.get("import_map") or st.session_state.get("import_part"))):
        mapping = st.text_area(t("im.map"), key="import_map", placeholder="B=责任主体", height=90)
        names = state.field_headers()
        st.caption(t("im.map_help", fields="、".join(names.values()) if lang() == "zh" else ", ".join(FIELDS)))
        part = st.selectbox(t("im.part"), [None, *PARTS], key="import_part",
                            format_func=shown_as(lambda p: term(PARTS[p]) if p else t("im.part_auto")))
    if not uploads:
        return
    files = tuple((u.name, u.getvalue()) for u in uploads)
    columns = state.column_map(mapping)  # a bad line is one sentence saying how to write it
    result, problems = state.validate(files, township or None, columns, part)
    if columns or part or township:
        st.caption(t("im.reread"))

    st.subheader(t("im.report"))
    errors = [p for p in problems if p.is_error]
    if result is None or errors:
        st.error(t("im.errors", n=len(errors)))
    elif not result.tlist.items:  # importing nothing would wipe the township's list
        st.error(t("im.empty"))
        result = None
    else:
        c = result.counts
        st.success(t("im.ok", items=c["items"], depts=c["departments"], villages=c["villages"], bases=c["bases"],
                     warnings=c["warnings"]))
    if problems:
        table(state.problems_frame(problems), "校验报告", key="im-problems")
    reading = getattr(result, "reading", None)
    if reading is not None:  # how each sheet was read (st.code: list text is never rendered as markdown)
        with st.expander(t("im.reading"), expanded=bool(reading.counts["unmapped_columns"] or columns or part)):
            st.code(reading.to_text(), language=None)
    if result is None or errors:
        return
    name = result.tlist.township.name
    who = editor()
    if not who:  # validating is for anyone; changing the store needs an editor
        st.info(t("im.signin"))
        return
    if st.button(t("im.button", township=name), type="primary", key="import_go"):
        done = state.import_list(result, who)
        state.after_write(t("im.unchanged", township=md(name)) if done.unchanged else
                          t("im.done", township=md(name), added=done.added, removed=done.removed, changed=done.changed))


state.guard(render)()
