"""Speech Metrics (讲话指标看板) — Streamlit entrypoint.

Run:  streamlit run dashboard.py
Database: ./speech_metrics.duckdb, or the path in $SPEECH_METRICS_DB.

This file only routes; each view lives in metrics/ui/<view>.py and renders the
shared, URL-bound filter sidebar itself.
"""

from pathlib import Path

import streamlit as st

from metrics.allocator import keep_freed_memory
from metrics.ui.widgets import flush_url, page_menu

UI = Path(__file__).resolve().parent / "metrics" / "ui"

keep_freed_memory()  # freed query buffers are reused, not faulted in again (metrics/allocator.py)
st.set_page_config(page_title="讲话指标看板", page_icon=str(UI / "icon.png"), layout="wide")

HOME = st.Page(UI / "overview.py", title="总览", icon=":material/dashboard:", url_path="overview-default", default=True)


def _to_home() -> None:
    """/overview, the path a reader would guess, forwards to the default page at / with the same
    query, so the link works and the sidebar marks 总览. Back to it later in the session shows 总览
    in place: forwarding again made a new history entry, and Back could never leave (QA pass 13)."""
    query = [(k, v) for k in st.query_params for v in st.query_params.get_all(k)]
    if st.session_state.get("_sm_forwarded") == query:
        from metrics.ui import overview

        overview.render()
        return
    st.session_state["_sm_forwarded"] = query
    st.switch_page(HOME, query_params=query)


PAGES = {
    "看板": [
        HOME,
        st.Page(_to_home, title="总览", url_path="overview", visibility="hidden"),
        st.Page(UI / "targets.py", title="数字目标", icon=":material/target:", url_path="targets"),
        st.Page(UI / "tasks.py", title="任务结构", icon=":material/format_list_numbered:", url_path="tasks"),
        st.Page(UI / "slogans.py", title="提法", icon=":material/campaign:", url_path="slogans"),
        st.Page(UI / "document.py", title="单篇文档", icon=":material/description:", url_path="document"),
        st.Page(UI / "compare.py", title="对比", icon=":material/compare_arrows:", url_path="compare"),
    ],
    "数据": [
        st.Page(UI / "upload.py", title="添加文档", icon=":material/upload_file:", url_path="upload"),
    ],
}

# The sidebar's links are page links that carry the filters (Streamlit's own menu drops the query,
# and writing it back made a second browser history entry: Back stayed on the page). They are
# drawn at once and again after the page ran, with the filters as they are then.
page = st.navigation(PAGES, position="hidden")
menu = st.sidebar.empty()
with menu.container():
    page_menu(PAGES)  # at once, while the page runs (QA pass 13: a slow page left no menu for seconds)
st.session_state["_sm_page"] = page.url_path  # link_value tells Back on one page from a page switch
try:
    page.run()
finally:
    flush_url()  # the run's URL changes in one write: one browser history entry
    st.session_state["_sm_page_before"] = page.url_path
    with menu.container():
        page_menu(PAGES)
