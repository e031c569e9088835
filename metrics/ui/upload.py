"""添加文档 — upload .txt/.docx/.pdf/.html files and add them to the database."""

from __future__ import annotations

import re
import tempfile
import time
import unicodedata
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics.charts import doc_link
from metrics.dedup import KEEP_ZH, RULE_ZH
from metrics.filters import failure_label, warning_label
from metrics.ui import data
from metrics.ui.widgets import md_escape, open_link, sidebar_filters

ALLOWED = ("txt", "docx", "pdf", "html", "htm")
MAX_FILES = 50
MAX_FILE_MB = 20
#: a megabyte as the uploader's chip and most file managers count it (21,600,000 bytes is "21.6MB")
MB = 1_000_000


#: Streamlit's uploader speaks English ("Upload", "20MB per file • TXT, DOCX, HTML"); the text
#: above it already gives the limits, so the instructions go and the button says 选择文件
UPLOADER_CSS = ("<style>[class*='st-key-up_files_'] [data-testid='stFileUploaderDropzoneInstructions']{display:none}"
                "[class*='st-key-up_files_'] [data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
                "{font-size:0}"
                "[class*='st-key-up_files_'] [data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p::after"
                "{content:'选择文件（可多选，或拖放到此处）';font-size:0.875rem}</style>")


def chosen_name(name: str) -> str:
    """The name the user chose: browsers send " as %22 and line breaks as %0A / %0D (HTML form
    encoding).

    >>> chosen_name('=HYPERLINK(%22x%22).txt')
    '=HYPERLINK("x").txt'
    """
    return name.replace("%22", '"').replace("%0A", "\n").replace("%0D", "\r")


def safe_upload_name(name: str, used: set[str]) -> str:
    """A flat, unique file name keeping Chinese characters and the extension.

    >>> safe_upload_name('=HYPERLINK(%22x%22).txt', set())
    '=HYPERLINK(_x_).txt'
    """
    name = chosen_name(name)
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", name).strip(" .") or "upload.txt"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, "txt"
    stem = stem[:100] or "upload"
    candidate, i = f"{stem}.{ext.lower()}", 2
    while candidate in used:
        candidate = f"{stem}-{i}.{ext.lower()}"
        i += 1
    used.add(candidate)
    return candidate


def max_file_mb() -> int:
    try:
        return min(MAX_FILE_MB, int(st.get_option("server.maxUploadSize")))
    except Exception:  # noqa: BLE001
        return MAX_FILE_MB


#: session keys: the last addition's report, shown after the rerun; the uploader's round
_DONE, _ROUND = "_up_done", "_up_round"


def upload_source(path: Path) -> str:
    """Where an uploaded document is recorded to come from: ``upload/<file name>`` (the file
    itself lives in a temporary folder only while it is added).

    >>> upload_source(Path("/tmp/sm-upload-x1y2/讲话.txt"))
    'upload/讲话.txt'
    """
    return f"upload/{path.name}"


def render() -> None:
    st.title("添加文档")
    if data.db_key() is not None:
        try:
            sidebar_filters()  # shared sidebar; filters are kept in the URL
        except Exception:  # noqa: BLE001 - an unreadable db must not block uploads
            pass
    limit = max_file_mb()
    st.markdown(
        f"上传讲话或政府工作报告（.txt / .docx / .pdf / .html），每次最多 **{MAX_FILES}** 个文件，单个文件不超过 "
        f"**{limit} MB**。文本会被解析后加入数据库 {md_escape(data.db_path().name)}；内容完全相同的文件只保留一份，同一文档的不同文件（如 .docx 或 .pdf 原件和网上抓取的 .txt）只计一份。"
    )
    st.html(UPLOADER_CSS)
    if done := st.session_state.pop(_DONE, None):
        _show_report(*done)  # after the rerun that brought the sidebar's counts up to date
    # a new uploader after each addition: the added files leave it, so its button cannot add them twice
    # no type filter here: the browser would refuse a .doc with an English note on the file's chip only;
    # the page names it in its table of files not processed, as it does one too large
    files = st.file_uploader("选择文件", accept_multiple_files=True,
                             key=f"up_files_{st.session_state.get(_ROUND, 0)}")
    if not files:
        st.info("尚未选择文件。")
        return
    problems: list[tuple[str, str]] = []
    ok = []
    for up in files:
        ext = up.name.rsplit(".", 1)[-1].lower() if "." in up.name else ""
        why = (f"不支持的格式 .{ext}" if ext not in ALLOWED
               else f"文件过大（{up.size / MB:.1f} MB > {limit} MB）" if up.size > limit * MB
               else "空文件" if up.size == 0 else None)
        if why:
            problems.append((chosen_name(up.name), why))
        else:
            ok.append(up)
    if len(ok) > MAX_FILES:
        problems += [(chosen_name(up.name), f"超过每次 {MAX_FILES} 个文件的上限，未处理") for up in ok[MAX_FILES:]]
        ok = ok[:MAX_FILES]
    if problems:
        st.warning(f"{len(problems)} 个文件不会被处理：")
        st.dataframe(pd.DataFrame(problems, columns=["文件", "原因"]), hide_index=True, width="stretch")
        if st.button("清空所选文件", key="up_clear"):  # (the uploader removes its files one by one only)
            st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
            st.rerun()
    if not ok:
        return
    if not st.button(f"添加 {len(ok)} 个文件到数据库", type="primary", key="up_go"):
        return
    from metrics.build import add_documents

    bar = st.progress(0.0, text="准备中…")

    def progress(done: int, total: int, source: str) -> None:
        frac = 0.0 if total <= 0 else min(1.0, done / total)
        bar.progress(frac, text=f"{done}/{total} · {Path(source).name}")

    t0 = time.perf_counter()
    renamed: dict[str, str] = {}  # the name a file is stored under → the name it was chosen by
    with tempfile.TemporaryDirectory(prefix="sm-upload-") as tmp:
        used: set[str] = set()
        paths = []
        for up in ok:
            p = Path(tmp) / safe_upload_name(up.name, used)
            if p.name != chosen_name(up.name):
                renamed[p.name] = chosen_name(up.name)
            p.write_bytes(up.getvalue())
            paths.append(p)
        try:
            data.release_connection()  # the dashboard's own reader would force a copy of the database
            report = add_documents(data.db_path(), paths, progress=progress, source_of=upload_source)
        except Exception as exc:  # noqa: BLE001 - show, don't crash
            bar.empty()
            st.error(f"添加失败：{_failure_zh(exc)}")
            st.caption(f"{md_escape(type(exc).__name__)}: {md_escape(str(exc)[:300])}")
            return
    bar.progress(1.0, text=f"完成，用时 {time.perf_counter() - t0:.1f} 秒")
    data.clear_caches()
    st.session_state.pop("_sm_filters_init", None)
    # run the page again, so the sidebar (drawn before the addition) counts the new documents, and
    # show the report there
    st.session_state[_DONE] = (report, time.perf_counter() - t0, problems, renamed)
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.rerun()


def _failure_zh(exc: Exception) -> str:
    """Why an addition failed, in Chinese (the technical message goes in a caption below), by the
    builder's ``BuildError.reason``; DuckDB's own errors by their type."""
    from metrics.build import BuildError

    reason = exc.reason if isinstance(exc, BuildError) else None
    if reason == "not_database":
        return f"数据库文件 {md_escape(str(data.db_path()))} 不是有效的 DuckDB 数据库，未作改动。"
    if reason == "locked":
        return "数据库正被另一个程序写入（例如命令行的 build），请稍后再试。"
    if reason == "schema":
        return "数据库由旧版本建立，无法追加；请用命令行重新 build。"
    if isinstance(exc, OSError):
        return "数据库无法写入（磁盘已满或没有写入权限？）。"
    return "数据库无法写入。"


def _show_report(report, seconds: float, skipped: list[tuple[str, str]] = (), renamed: dict[str, str] | None = None) -> None:
    """What an addition did: files added (with links), near-duplicates, duplicates, failures; and
    the files chosen but not processed (``skipped``: empty, too large, a .doc), and the names a
    file was stored under where they differ from the chosen one (``renamed``)."""
    link = open_link("单篇文档")
    (st.success if report.added else st.info)(f"已添加 {report.added} 篇文档（用时 {seconds:.1f} 秒）。")
    if skipped:  # (QA pass 14: the table of files not processed was gone after the addition)
        st.warning(f"{len(skipped)} 个所选文件未处理：")
        st.dataframe(pd.DataFrame(list(skipped), columns=["文件", "原因"]), hide_index=True, width="stretch")
    if renamed:
        st.caption("文件名中的特殊字符已替换（以下按保存的文件名列出）："
                   + "；".join(f"{md_escape(old)} → {md_escape(new)}" for new, old in renamed.items()))
    for warning in report.warnings:
        st.warning(md_escape(warning_label(warning)))
    if report.added_docs:
        st.dataframe(pd.DataFrame([(Path(src).name, doc_link(did)) for did, src in report.added_docs],
                                  columns=["文件", "单篇文档"]),
                     hide_index=True, width="stretch", column_config={"单篇文档": link})
    twins, pairs = [], set()  # added files that are, or that made, a near-duplicate (metrics/dedup.py)
    new_ids = {did for did, _ in report.added_docs}
    for did, src in report.added_docs:
        group = data.query("doc_twins", did)
        kept = group[group["kept"]]  # the kept one when the file is a near-duplicate, else none
        relation = "本文件是它的近似重复，默认不计入" if len(kept) else "它是本文件的近似重复，默认不计入"
        for r in (kept if len(kept) else group).itertuples(index=False):
            if frozenset((did, r.doc_id)) in pairs:
                continue  # two files of this upload: one row for the pair, not one from each side
            pairs.add(frozenset((did, r.doc_id)))
            other = r.file_name + ("（本次上传）" if r.doc_id in new_ids else "（已有）")
            twins.append((Path(src).name, relation, other, r.source, doc_link(r.doc_id)))
    if twins:
        st.warning(f"{len(twins)} 组文件是同一文档的不同文件（{RULE_ZH}）："
                   f"每组只计一份（先原始格式 {KEEP_ZH}）。左侧勾选「包括近似重复的文档」可全部计入。")
        st.dataframe(pd.DataFrame(twins, columns=["文件", "关系", "另一份文件", "另一份的来源", "单篇文档"]),
                     hide_index=True, width="stretch", column_config={"单篇文档": link})
    same = report.duplicates + report.unchanged  # (a file added before, under its own name: unchanged)
    if same:
        st.warning(f"{len(same)} 个文件与已有文档内容相同，未重复添加：")
        rows = []
        for did, src in same:
            kept = data.query("document", did) or {}
            rows.append((Path(src).name, kept.get("title") or kept.get("file_name") or did,
                         kept.get("source") or "", doc_link(did)))
        st.dataframe(pd.DataFrame(rows, columns=["文件", "已有文档", "已有文档的来源", "单篇文档"]),
                     hide_index=True, width="stretch", column_config={"单篇文档": link})
    if report.failures:
        st.error(f"{len(report.failures)} 个文件处理失败：")
        st.dataframe(pd.DataFrame([(Path(src).name, failure_label(why)) for src, why in report.failures],
                                  columns=["文件", "原因"]),
                     hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
