"""导入 Import: upload a list, see every problem with its row and column, then import — never before."""

import streamlit as st

from dashboard import state
from dashboard.i18n import t
from dashboard.review import editor
from dashboard.safe import md
from dashboard.tables import table


def render() -> None:
    st.title(t("page.import"))
    uploads = st.file_uploader(t("im.upload"), type=["xlsx", "xls", "csv"], accept_multiple_files=True, key="upload")
    township = st.text_input(t("im.township"), key="import_township").strip()
    if not uploads:
        return
    files = tuple((u.name, u.getvalue()) for u in uploads)
    result, problems = state.validate(files, township or None)

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
        with st.expander("读表报告 How the file was read", expanded=bool(reading.counts["unmapped_columns"])):
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
