"""Reading real and hostile files, and the CLI end to end (build, query, extract, failures)."""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from metrics import build
from metrics.analyze import analyze
from metrics.filters import Filters
from metrics.reader import Limits, ReadError, decode_bytes, read_document

from conftest import DATA, ROOT, run_cli

SEED = DATA / "seeds" / "003_49f5c10d9eda79ac.txt"


def test_gbk_file_detected_and_decoded():
    raw = read_document(DATA / "hailar-district-reports" / "2016.txt")
    assert raw.encoding == "gb18030" and "海拉尔区" in raw.text and "\r" not in raw.text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_encodings_round_trip(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")[:3000].replace("\xa0", " ")
    p = tmp_path / "x.txt"
    p.write_bytes(text.encode(encoding, errors="strict"))
    assert read_document(p).text == text.replace("\r\n", "\n")


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    raw = read_document(DATA / "docx" / "北京.docx")
    assert raw.file_format == "docx" and "我代表北京市人民政府" in raw.text
    import docx
    d = docx.Document()
    d.add_paragraph("一、主要目标")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "地区生产总值", "增长5%"
    d.add_paragraph("二、保障")
    buf = tmp_path / "t.docx"
    d.save(buf)
    assert read_document(buf).text.split("\n") == ["一、主要目标", "地区生产总值\t增长5%", "二、保障"]


def test_html_visible_text_only(tmp_path):
    p = tmp_path / "a.html"
    p.write_text("<html><head><style>p{}</style><script>alert('x')</script></head><body><h1>在全区大会上的讲话</h1>"
                 "<p>同志们:</p><p>力争地区生产总值增长6%</p></body></html>", encoding="utf-8")
    text = read_document(p).text
    assert "alert" not in text and text.splitlines() == ["在全区大会上的讲话", "同志们:", "力争地区生产总值增长6%"]


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b" \n\t\r\n  ", "no text"),
    "binary.txt": (bytes(range(256)) * 40, "binary"),
    "control-bytes.txt": (bytes([0, 1, 2, 3, 4, 5, 6, 7, 8]), "binary"),  # valid UTF-8, but not text
    "ascii-controls.bin.txt": (bytes(range(1, 32)) * 100 + "讲话".encode(), "binary"),
    "random.docx": (os.urandom(4000), "not a valid .docx"),
    "truncated.docx": ((DATA / "docx" / "成都.docx").read_bytes()[:20000], "not a valid .docx"),
    "bomb.docx": (_zip_bytes({"word/document.xml": b"<" + b"a" * 300_000_000 + b">"}), "refused"),
    "mixed.txt": ("同志们".encode("utf-8") + "讲话".encode("gbk") + bytes([0xFF, 0xFE, 0x81]) * 3, "cannot decode"),
    "notes.pdf": (b"%PDF-1.4", "not a valid PDF"),
    # QA pass 17: a text file named .pdf was "not a valid PDF, or truncated", as a broken PDF is
    "renamed.pdf": ("各位代表：现在我代表市人民政府向大会报告工作。".encode("utf-8") * 20,
                    "not a PDF file \\(no %PDF- header: it reads as text, name it .txt\\)"),
    "image.pdf": (b"\x89PNG\r\n\x1a\n" + bytes(100), "not a PDF file \\(no %PDF- header\\)$"),
    "notes.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "unsupported file type .doc"),
    # QA pass 6: an 8-byte PNG header named .txt decoded as UTF-16 ("襐乇ഊᨊ") and was added
    "image.txt": (b"\x89PNG\r\n\x1a\n", "binary file \\(a PNG image\\)"),
    "report.pdf.txt": (b"%PDF-1.7\n" + "政府工作报告".encode() * 20, "a PDF document"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_gives_a_clear_reason(tmp_path, name):
    data, reason = BAD_FILES[name]
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(ReadError, match=reason):
        read_document(p)


def test_utf16_without_a_bom_is_not_taken_for_utf8(tmp_path):
    """ASCII in UTF-16 is valid UTF-8 full of NULs: read as UTF-16, not as UTF-8 with NULs."""
    p = tmp_path / "u16.txt"
    p.write_bytes("GDP增长5%, CPI 3%".encode("utf-16-le"))
    doc = read_document(p)
    assert (doc.text, doc.encoding) == ("GDP增长5%, CPI 3%", "utf-16-le")
    q = tmp_path / "ascii16.txt"
    q.write_bytes("Speech metrics, plain ASCII".encode("utf-16-le"))
    assert read_document(q).encoding == "utf-16-le"


def test_size_limit_is_configurable(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("讲话" * 5000, encoding="utf-8")
    with pytest.raises(ReadError, match="over the limit"):
        read_document(p, limits=Limits(max_file_bytes=1000))


def test_one_long_line_and_no_chinese_are_handled(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("今天召开全区大会研究部署重点工作," * 160_000 + "力争地区生产总值增长5%", encoding="utf-8")  # 8 MB, one line
    a = analyze(read_document(p).text)
    assert [(t.canonical, t.low) for t in a.targets] == [("gdp_growth", 5.0)]
    assert a.text[a.targets[0].start:a.targets[0].end] == a.targets[0].sentence
    q = tmp_path / "english.txt"
    q.write_text("No Chinese here at all, just 5% growth.", encoding="utf-8")
    assert analyze(read_document(q).text).targets == ()


def test_build_with_bad_files_keeps_the_good_ones(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "-leading dash 长城区.txt")
    shutil.copy(DATA / "hailar-district-reports" / "2016.txt", src / "海拉尔 2016.txt")
    (src / "empty.txt").write_bytes(b"")
    (src / "bad.docx").write_bytes(os.urandom(3000))
    (src / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (src / "loop").symlink_to(src)
    (src / "README.md").write_text("not a speech")
    db = tmp_path / "t.duckdb"
    proc = run_cli("build", src, "--db", db, "--quiet")
    assert proc.returncode == 1
    assert "empty.txt: file is empty" in proc.stderr
    assert "bad.docx: not a valid .docx" in proc.stderr
    assert "dangling.txt: dangling symbolic link" in proc.stderr
    assert "loop: symbolic link to a directory, not followed" in proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM failures").fetchone()[0] == 4
    district = con.execute("SELECT district FROM documents WHERE source LIKE ?", ["%海拉尔 2016.txt"]).fetchone()[0]
    assert district == "海拉尔区"


def test_cli_build_then_query(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert n_docs == 147  # 149 files, 2 byte-identical duplicates
    assert con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 2
    row = con.execute("""SELECT t.low, t.high, t.qualifier, t.kind FROM targets t JOIN documents d USING (doc_id)
                         WHERE d.city = ? AND t.canonical = 'gdp_growth' AND t.kind = 'target'""", ["杭州市"]).fetchone()
    assert row == (5.5, 5.5, "about", "target")
    assert con.execute("SELECT count(DISTINCT year) FROM documents WHERE district = '海拉尔区'").fetchone()[0] == 6
    rv = con.execute("SELECT value FROM build_info WHERE key = 'rules_version'").fetchone()[0]
    assert con.execute("SELECT count(*) FROM targets WHERE rules_version <> ?", [rv]).fetchone()[0] == 0
    # evidence offsets slice the stored text to the sentence
    bad = con.execute("""SELECT count(*) FROM targets t JOIN documents d USING (doc_id)
                         WHERE substr(d.text, t.start + 1, t."end" - t.start) <> t.sentence""").fetchone()[0]
    assert bad == 0


def test_build_is_idempotent(tmp_path):
    src = DATA / "seeds"
    dumps = []
    for i in range(2):
        db = tmp_path / f"{i}.duckdb"
        run_cli("build", src, "--db", db, "--quiet", check=True)
        con = duckdb.connect(str(db), read_only=True)
        dumps.append([con.execute(f"SELECT * EXCLUDE (built_at) FROM documents ORDER BY doc_id").fetchall()]
                     + [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("targets", "outline", "slogans", "keywords")])
    assert dumps[0] == dumps[1]


def test_extract_json_lines(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04garbage")
    proc = run_cli("extract", SEED, bad)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    first, second = json.loads(lines[0]), json.loads(lines[1])
    assert "孙俨玲" in lines[0]  # Chinese not escaped
    assert first["schema_version"] == 1 and first["meta"]["district"] == "长城区" and first["meta"]["year"] == 2012
    assert {"indicator", "canonical", "low", "high", "unit", "qualifier", "direction", "kind", "sentence", "start", "end"} <= set(first["targets"][0])
    assert second["source"] == str(bad) and "not a valid .docx" in second["error"]


def test_sidecar_override_wins_and_is_marked(tmp_path):
    p = tmp_path / "s.txt"
    shutil.copy(SEED, p)
    (tmp_path / "s.txt.meta.toml").write_text('year = 2013\ncity = "酒泉市"\n', encoding="utf-8")
    obj = json.loads(run_cli("extract", p).stdout)
    assert obj["meta"]["year"] == 2013 and obj["meta"]["city"] == "酒泉市"
    assert obj["overrides"] == ["city", "year"]


def test_second_build_waits_then_fails_clearly(tmp_path):
    from metrics.build import BuildError, build_lock
    db = tmp_path / "x.duckdb"
    with build_lock(db, 1):
        proc = run_cli("build", SEED, "--db", db, "--lock-timeout", "0.5", "--quiet")
    assert proc.returncode == 3 and "another build holds" in proc.stderr
    assert not db.exists()


def test_killed_build_leaves_previous_database_intact(tmp_path):
    db = tmp_path / "k.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--quiet", check=True)
    before = db.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "metrics", "build", DATA, "--db", str(db), "--quiet", "-j", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert db.read_bytes() == before
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5


def test_reader_keeps_working_during_a_rebuild(tmp_path):
    db = tmp_path / "r.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--quiet", check=True)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    run_cli("build", DATA / "seeds", DATA / "hailar-district-reports", "--db", db, "--quiet", check=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5  # old snapshot still readable
    con.close()
    assert duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM documents").fetchone()[0] == 11


def _counts(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM targets)").fetchone()
    finally:
        con.close()


def test_add_works_in_place(tmp_path):
    """--add extends the file itself in one transaction (no copy of a large database)."""
    db = tmp_path / "a.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--quiet", check=True)
    inode, (docs, targets) = db.stat().st_ino, _counts(db)
    proc = run_cli("build", DATA / "hailar-district-reports", "--db", db, "--add", "--quiet", "--json", check=True)
    report = json.loads(proc.stdout)
    assert report["documents_added"] == 6 and report["warnings"] == []
    assert db.stat().st_ino == inode  # the same file, not a copy moved over it
    new_docs, new_targets = _counts(db)
    assert new_docs == docs + 6 and new_targets > targets
    rebuilt = tmp_path / "b.duckdb"
    run_cli("build", DATA / "seeds", DATA / "hailar-district-reports", "--db", rebuilt, "--quiet", check=True)
    assert _counts(rebuilt) == (new_docs, new_targets)


def test_adding_a_folder_again_skips_what_is_stored_and_adds_what_is_new(tmp_path, monkeypatch):
    """QA pass 16: adding a folder a second time analysed every file again (minutes for a large
    one), then listed each as a duplicate of itself, and 数据质量 counted them as 重复文件."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("南京.txt", "杭州.txt"):
        shutil.copy(DATA / "city-reports-2024" / name, folder / name)
    shutil.copy(DATA / "city-reports-2024" / "南京.txt", folder / "南京_副本.txt")  # a real duplicate
    db = tmp_path / "a.duckdb"
    first = build.build_database([folder], db, workers=1)
    assert first.added == 2 and [Path(s).name for _, s in first.duplicates] == ["南京_副本.txt"]
    analysed = []
    real_many = build.analyze_many
    monkeypatch.setattr(build, "analyze_many", lambda items: analysed.extend(i[1] for i in items) or real_many(items))
    again = build.add_documents(db, [folder], workers=1)
    assert again.added == 0 and analysed == []  # nothing analysed: every text is stored
    assert sorted(Path(s).name for _, s in again.unchanged) == ["南京.txt", "杭州.txt"]
    assert [Path(s).name for _, s in again.duplicates] == ["南京_副本.txt"]
    shutil.copy(DATA / "city-reports-2024" / "长沙.txt", folder / "长沙.txt")
    third = build.add_documents(db, [folder], workers=1)
    assert third.added == 1 and [Path(s).name for s in analysed] == ["长沙.txt"] and len(third.unchanged) == 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
        assert [Path(s).name for (s,) in con.execute("SELECT source FROM duplicates").fetchall()] == ["南京_副本.txt"]
    finally:
        con.close()
    proc = run_cli("build", folder, "--db", db, "--add")
    assert "3 files already in the database, unchanged: not analysed again" in proc.stderr
    assert proc.stderr.count("duplicate of document") == 1
    # QA pass 17: a file edited since it was added is added again, and the add says the database
    # now holds both texts (the older kept when they are twins)
    edited = folder / "杭州.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n力争地区生产总值增长9%。\n", encoding="utf-8")
    fourth = build.add_documents(db, [folder], workers=1)
    assert fourth.added == 1 and len(fourth.unchanged) == 2
    [warning] = [w for w in fourth.warnings if "changed since they were added" in w]
    assert str(edited) in warning
    from metrics.filters import warning_label
    assert warning_label(warning).startswith("有文件在加入数据库后被修改过")


def test_add_to_a_database_built_with_other_rules_warns(tmp_path):
    db = tmp_path / "a.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--quiet", check=True)
    con = duckdb.connect(str(db))
    con.execute("UPDATE documents SET rules_version = '0.0.9+00000000'")
    con.close()
    proc = run_cli("build", DATA / "hailar-district-reports", "--db", db, "--add", "--quiet", "--json", check=True)
    [warning] = json.loads(proc.stdout)["warnings"]
    assert warning.startswith("5 documents already in the database were analysed with other rules")
    assert "warning: 5 documents" in proc.stderr


def test_rules_version_follows_the_extraction_code(monkeypatch, tmp_path):
    from metrics import lexicon
    lexicon.rules_version.cache_clear()
    before = lexicon.rules_version()
    pkg = tmp_path / "metrics"
    shutil.copytree(ROOT / "metrics", pkg)
    with open(pkg / "tasks.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a changed rule\n")
    monkeypatch.setattr(lexicon.resources, "files", lambda name: pkg)
    lexicon.rules_version.cache_clear()
    try:
        assert lexicon.rules_version() != before
    finally:
        monkeypatch.undo()
        lexicon.rules_version.cache_clear()
    assert lexicon.rules_version() == before


def test_add_while_the_dashboard_reads_goes_through_a_copy(tmp_path):
    db = tmp_path / "a.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--quiet", check=True)
    inode = db.stat().st_ino
    reader = duckdb.connect(str(db), read_only=True)  # holds DuckDB's lock, like the dashboard
    try:
        proc = run_cli("build", DATA / "hailar-district-reports", "--db", db, "--add", "--quiet", "--json", check=True)
        report = json.loads(proc.stdout)
        assert report["documents_added"] == 6 and "open elsewhere" in report["warnings"][0]
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 5  # its snapshot is untouched
    finally:
        reader.close()
    assert db.stat().st_ino != inode and _counts(db)[0] == 11


def test_the_upload_page_adds_in_place_after_releasing_its_reader(tmp_path, monkeypatch):
    """The dashboard's own read-only connection would force a copy; the upload page closes it
    first, so the add extends the file itself, and the next query reconnects and sees it."""
    from metrics.build import add_documents, build_database
    from metrics.ui import data
    db = tmp_path / "a.duckdb"
    build_database([DATA / "seeds"], db, workers=1)
    monkeypatch.setenv(data.ENV_VAR, str(db))
    data.clear_caches()
    assert data.query("count_docs", Filters()) == 5  # the dashboard holds the file open
    inode = db.stat().st_ino
    data.release_connection()
    report = add_documents(db, [DATA / "hailar-district-reports"], workers=1)
    assert report.added == 6 and report.warnings == [] and db.stat().st_ino == inode
    data.clear_caches()
    assert data.query("count_docs", Filters()) == 11
    data.clear_caches()


def test_failed_add_in_place_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    from metrics import build
    db = tmp_path / "a.duckdb"
    build.build_database([DATA / "seeds"], db, workers=1)
    before = _counts(db)
    calls = []
    real_flush = build._Writer.flush

    def flush_then_fail(self):
        real_flush(self)  # rows reach the table inside the transaction ...
        calls.append(1)
        raise RuntimeError("disk full (simulated)")  # ... then the add fails

    monkeypatch.setattr(build._Writer, "flush", flush_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        build.add_documents(db, [DATA / "hailar-district-reports"], workers=1)
    assert calls and _counts(db) == before
    monkeypatch.undo()
    assert build.add_documents(db, [DATA / "hailar-district-reports"], workers=1).added == 6


def test_killed_add_leaves_the_database_readable_and_unchanged(tmp_path):
    db = tmp_path / "k.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--quiet", check=True)
    before = _counts(db)
    proc = subprocess.Popen([sys.executable, "-m", "metrics", "build", DATA, "--db", str(db), "--add", "--quiet", "-j", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _counts(db) == before  # the uncommitted transaction is gone


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("增长下降控制在以内左右力争确保%个亿元万人0123456789.—-,，。;\n一二三、()是要第地区生产总值失业率XX“”\"")), max_size=300))
def test_analyser_never_raises_and_offsets_hold(text):
    a = analyze(text)
    for t in a.targets:
        assert a.text[t.start:t.end] == t.sentence and t.low <= t.high
    for m in a.mentions:
        assert m.start >= 0 and m.end <= len(text)
    assert all(s.count > 0 for s in a.slogans)
    assert a.tasks.top_level_sections >= 0 and a.tasks.enumerated_items >= 0


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=400))
def test_analyser_never_raises_on_any_string(text):
    a = analyze(text)
    assert all(a.text[t.start:t.end] == t.sentence for t in a.targets)


def test_special_and_unreadable_files(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="not a regular file"):
        read_document(fifo)
    locked = tmp_path / "locked.txt"
    locked.write_text("同志们", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.geteuid() == 0:
            pytest.skip("root reads files regardless of permissions")
        with pytest.raises(ReadError, match="permission denied"):
            read_document(locked)
    finally:
        locked.chmod(0o644)


_PROCESS_CHUNK = build.process_chunk


def _die_on_poison(args):
    """A worker that dies (as when the kernel kills it for memory) on a file named poison."""
    if any("poison" in job[1] for job in args[0]):
        os._exit(1)
    return _PROCESS_CHUNK(args)


def test_a_worker_that_dies_fails_the_build_cleanly_and_keeps_the_old_database(tmp_path, monkeypatch):
    db = tmp_path / "d.duckdb"
    build.build_database([DATA / "seeds"], db, workers=1)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3 * build.CHUNK_FILES):
        (src / f"{i:02d}.txt").write_text(f"第{i}篇。力争地区生产总值增长{i}%。", encoding="utf-8")
    (src / "poison.txt").write_text("力争地区生产总值增长6%。", encoding="utf-8")
    monkeypatch.setattr(build, "process_chunk", _die_on_poison)
    with pytest.raises(build.BuildError, match="worker process died"):
        build.build_database([src], db, workers=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.duckdb", "d.duckdb.lock", "in"]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchall() == [(5,)]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_duplicates_within_and_across_chunks(tmp_path, workers):
    src = tmp_path / "in"
    src.mkdir()
    n = 2 * build.CHUNK_FILES + 4  # three chunks: copies land in the same chunk and in later ones
    for i in range(n):
        shutil.copy(SEED if i % 3 else DATA / "seeds" / "001_21f03f1d8573d7b2.txt", src / f"{i:02d}.txt")
    db = tmp_path / "d.duckdb"
    proc = run_cli("build", src, "--db", db, "--quiet", "-j", workers, "--json")
    report = json.loads(proc.stdout)
    assert report["documents_added"] == 2 and len(report["duplicates"]) == n - 2
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone() == (2, 2)
    n_targets = con.execute("SELECT count(*) FROM targets").fetchone()[0]
    assert n_targets == con.execute("SELECT count(*) FROM (SELECT DISTINCT * FROM targets)").fetchone()[0]


def test_manifest_overrides_are_marked(tmp_path):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,year,district,level\n000_c640d4500c71a10a.txt,2018,怀柔区,district\n", encoding="utf-8")
    db = tmp_path / "m.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--manifest", manifest, "--quiet", check=True)
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT year, year_source, overrides FROM documents WHERE file_name = ?", ["000_c640d4500c71a10a.txt"]).fetchone()
    assert row[0] == 2018 and row[1] == "override" and json.loads(row[2]) == ["district", "level", "year"]
    assert con.execute("SELECT count(*) FROM documents WHERE overrides IS NULL").fetchone()[0] == 4


@pytest.mark.parametrize("csv_text, message", [
    # QA pass 10: "abc" was a worker's ValueError that dropped the document, "城市" was stored as a level
    ("file,year\n000_c640d4500c71a10a.txt,abc\n", "line 2 (000_c640d4500c71a10a.txt): year 'abc' is not a year"),
    ("file,level\n000_c640d4500c71a10a.txt,城市\n", "level '城市' is none of national (全国)"),
    ("file,date\n000_c640d4500c71a10a.txt,2019-13-01\n", "date '2019-13-01' is not a date"),
    ("file,yeer\n000_c640d4500c71a10a.txt,2013\n", "unknown column 'yeer'"),
    ("name,year\n000_c640d4500c71a10a.txt,2013\n", "no 'file' column"),
])
def test_a_bad_manifest_is_a_usage_error_naming_line_and_column(tmp_path, csv_text, message):
    manifest = tmp_path / "bad.csv"
    manifest.write_text(csv_text, encoding="utf-8")
    db = tmp_path / "m.duckdb"
    proc = run_cli("build", DATA / "seeds", "--db", db, "--manifest", manifest, "--quiet")
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "was not changed" in proc.stderr
    assert not db.exists()


def test_a_manifest_level_may_be_its_chinese_label_and_a_row_for_no_file_is_named(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,level,year\n000_c640d4500c71a10a.txt,区级,2018\nnosuch.txt,,2012\n", encoding="utf-8")
    db = tmp_path / "m.duckdb"
    proc = run_cli("build", DATA / "seeds", "--db", db, "--manifest", manifest, "--quiet")
    assert proc.returncode == 0
    assert "the row for 'nosuch.txt' matches no file read" in proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT level, year FROM documents WHERE file_name = ?",
                       ["000_c640d4500c71a10a.txt"]).fetchone() == ("district", 2018)


def test_a_bad_sidecar_value_fails_that_file_only(tmp_path):
    import shutil
    src = tmp_path / "in"
    shutil.copytree(DATA / "seeds", src)
    (src / "000_c640d4500c71a10a.txt.meta.toml").write_text('year = "二〇一三"\n', encoding="utf-8")
    db = tmp_path / "s.duckdb"
    proc = run_cli("build", src, "--db", db, "--quiet")
    assert proc.returncode == 1
    assert "invalid sidecar 000_c640d4500c71a10a.txt.meta.toml: year '二〇一三' is not a year" in proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 4


@pytest.mark.parametrize("sizes, message", [
    ("abc", "'abc' is not a whole number of documents"),
    ("0", "0 documents: a corpus needs at least 1"),
    ("-5", "-5 documents"),
    (",", "give at least one size"),
    ("99999999999999999999", "at most 1,000,000"),
])
def test_bench_sizes_are_checked(sizes, message):
    proc = run_cli("bench", "--sizes", sizes)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_bench_without_documents_or_a_place_for_its_results_says_so(tmp_path):
    """QA pass 12: both were a Python traceback with exit 1."""
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("bench", "--sizes", "5", "--source", empty, "--out", tmp_path / "out")
    assert proc.returncode == 2 and "--source" in proc.stderr and "no readable documents" in proc.stderr
    assert "Traceback" not in proc.stderr
    (tmp_path / "file").write_text("x")
    proc = run_cli("bench", "--sizes", "5", "--out", tmp_path / "file" / "out")
    assert proc.returncode == 3 and "--out" in proc.stderr and "cannot write" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_file_count_limit(tmp_path):
    db = tmp_path / "n.duckdb"
    proc = run_cli("build", DATA / "seeds", "--db", db, "--max-files", "3", "--quiet")
    assert proc.returncode == 1
    assert proc.stderr.count("not read: over the limit of 3 files per build") == 2
    assert duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM documents").fetchone()[0] == 3


def test_batch_analysis_equals_one_by_one():
    """analyze_many runs the components stage by stage; every fact is the same as analyze's."""
    from metrics.analyze import analyze_many

    paths = [SEED, DATA / "hailar-district-reports" / "2016.txt", DATA / "docx" / "北京.docx"]
    items = [(read_document(p).text, p.name, None) for p in paths]
    batch = analyze_many(items)
    for (text, source, _), a in zip(items, batch):
        assert a.to_json() == analyze(text, source=source).to_json()


def test_analyser_crash_in_a_batch_fails_only_that_file(tmp_path, monkeypatch):
    """A bug that raises on one document is reported for that file; the others of the batch are kept."""
    import metrics.analyze as analyze_mod
    from metrics.build import process_files

    real = analyze_mod.extract_targets

    def flaky(text, *args, **kwargs):
        if "炸弹" in text:
            raise ValueError("boom")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(analyze_mod, "extract_targets", flaky)
    names = ["a.txt", "bad.txt", "c.txt"]
    for name in names:
        body = "炸弹。力争地区生产总值增长6%。" if name == "bad.txt" else f"{name}:力争地区生产总值增长6%。"
        (tmp_path / name).write_text(body, encoding="utf-8")
    out = process_files([(str(tmp_path / n), n, {}, Limits()) for n in names])
    assert [o[0] for o in out] == names
    assert out[1][1] is None and out[1][2] == "analysis failed: ValueError: boom"
    assert [o[1]["targets"][0][4] for o in (out[0], out[2])] == [6.0, 6.0]


def test_add_in_place_keeps_its_rows_when_an_index_cannot_be_built(tmp_path, monkeypatch):
    """An index that does not fit in memory is skipped with a warning; the added rows stay."""
    from metrics import build
    db = tmp_path / "a.duckdb"
    build.build_database([DATA / "seeds"], db, workers=1)
    con = duckdb.connect(str(db))
    con.execute("DROP INDEX keywords_doc")  # as if the build had skipped it for lack of memory
    con.close()
    real_connect = duckdb.connect

    class Conn:  # a connection whose CREATE INDEX on keywords runs out of memory
        def __init__(self, *a, **k):
            self._c = real_connect(*a, **k)

        def execute(self, sql, *args):
            if sql.startswith("CREATE INDEX") and " keywords_doc " in sql:
                try:  # a statement that really fails inside DuckDB, as an out-of-memory index would
                    self._c.execute("CREATE INDEX keywords_doc ON keywords (no_such_column)")
                except duckdb.BinderException:
                    raise duckdb.OutOfMemoryException("Out of Memory Error (simulated)") from None
            return self._c.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self._c, name)

    monkeypatch.setattr(build.duckdb, "connect", Conn)
    report = build.add_documents(db, [DATA / "hailar-district-reports"], workers=1)
    monkeypatch.undo()
    assert report.added == 6 and any("keywords.doc_id skipped" in w for w in report.warnings)
    assert _counts(db)[0] == 11


def test_inserting_text_in_many_batches_keeps_the_file_near_the_size_of_the_text(tmp_path):
    """Each insert of `documents` leaves a small row group; DuckDB's vacuum would merge them at
    checkpoints, rewriting the text inserted so far and leaving the file up to twice its size."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.compute as pc

    files = sorted((DATA / "city-reports-2024").glob("*.txt"))[:12]
    jobs = [(str(p), p.name, {}, Limits()) for p in files]
    docs = build.process_chunk((jobs, dt.datetime(2026, 1, 1)))[1]["documents"]
    path = tmp_path / "t.duckdb"
    con = build.connect_for_writing(path)
    con.execute(build.schema_sql())
    con.execute("SET checkpoint_threshold = '1MB'")  # a checkpoint after every insert, as with 32 MB ones
    text_bytes = 0
    for i in range(16):
        batch = pa.concat_tables(docs.set_column(0, "doc_id", pc.binary_join_element_wise(docs["doc_id"], pa.scalar(f"-{i}-{j}"), ""))
                                 for j in range(4))
        con.register("_batch", batch)
        con.execute("INSERT INTO documents BY NAME SELECT * FROM _batch")
        con.unregister("_batch")
        text_bytes += sum(len(t.encode()) for t in batch["text"].to_pylist())
    con.execute("CHECKPOINT")
    assert con.execute("SELECT count(*) FROM documents").fetchall() == [(64 * len(files),)]
    con.close()
    assert text_bytes > 30e6 and path.stat().st_size < 1.25 * text_bytes


def test_the_writer_bounds_what_waits_in_memory_and_inserts_every_row_in_order():
    """Tables are inserted when 64 KB of a table (here) or 160 KB in all are waiting; nothing is
    lost or reordered, and what waits never exceeds the bound after an add."""
    import datetime as dt

    from metrics import build

    files = sorted((DATA / "city-reports-2024").glob("*.txt"))[:24]
    jobs = [(str(p), p.name, {}, Limits()) for p in files]
    chunks = [build.process_chunk((jobs[i:i + 4], dt.datetime(2026, 1, 1)))[1] for i in range(0, len(jobs), 4)]
    chunks = [build.number_documents(tables, 1 + 4 * i) for i, tables in enumerate(chunks)]  # as the builder does
    con = duckdb.connect()
    con.execute(build.schema_sql())
    writer = build._Writer(con, batch_bytes=64 << 10, max_bytes=160 << 10, table_bytes={})  # documents too
    inserted_early = False
    for tables in chunks:
        writer.add(tables)
        assert sum(writer.size.values()) <= 160 << 10
        inserted_early |= con.execute("SELECT count(*) FROM targets").fetchall()[0][0] > 0
    writer.flush()
    assert inserted_early and not any(writer.size.values())
    for table in ("documents", "targets", "slogans", "keywords", "sketch_values"):
        sent = [row for tables in chunks if table in tables for row in tables[table].to_pylist()]
        cols = ", ".join(f'"{c}"' for c in build.TABLE_COLUMNS[table])
        got = con.sql(f"SELECT {cols} FROM {table}").to_arrow_table().to_pylist()
        assert len(sent) > 20 and got == sent, table


def test_a_small_build_inserts_its_rows_while_files_are_still_being_analysed(tmp_path, monkeypatch):
    """Insert sizes scale with the corpus: 134 reports (6 MB) go into documents in several pieces
    during the build, not all after the last file; every row still arrives once."""
    from metrics import build

    folder = DATA / "city-reports-2024"
    inserts: list[tuple[str, bool]] = []
    flushing = []
    real_insert, real_flush = build._Writer._insert, build._Writer.flush

    def spy_insert(self, table):
        if self.buf[table]:
            inserts.append((table, bool(flushing)))
        real_insert(self, table)

    def spy_flush(self):
        flushing.append(1)
        real_flush(self)

    monkeypatch.setattr(build._Writer, "_insert", spy_insert)
    monkeypatch.setattr(build._Writer, "flush", spy_flush)
    db = tmp_path / "s.duckdb"
    report = build.build_database([folder], db, workers=1)
    n_files = len([p for p in folder.iterdir() if p.is_file()])
    assert report.added + len(report.duplicates) == n_files > 100
    early = [t for t, late in inserts if not late]
    assert early.count("documents") >= 3 and early.count("targets") >= 3
    assert 0 < build.insert_scale(sum(p.stat().st_size for p in folder.iterdir())) < 0.05
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchall() == [(report.added, report.added)]
    con.close()


def test_uploads_are_recorded_under_their_name_not_the_temporary_path(tmp_path):
    """The dashboard adds uploads from a temporary folder; documents, duplicates and failures
    name them upload/<file name>."""
    from metrics import build
    from metrics.ui.upload import upload_source

    db = tmp_path / "u.duckdb"
    build.build_database([DATA / "seeds"], db, workers=1)
    tmp = tmp_path / "sm-upload-abc"
    tmp.mkdir()
    (tmp / "讲话.txt").write_bytes((DATA / "seeds" / "000_c640d4500c71a10a.txt").read_bytes())  # a duplicate
    (tmp / "新.txt").write_text("区委书记在全区大会上的讲话\n同志们:\n力争地区生产总值增长6%。\n", encoding="utf-8")
    (tmp / "bin.txt").write_bytes(bytes(range(9)))
    report = build.add_documents(db, [tmp], workers=1, source_of=upload_source)
    assert report.added == 1
    assert [s for _, s in report.duplicates] == ["upload/讲话.txt"]
    assert [s for s, _ in report.failures] == ["upload/bin.txt"]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT source FROM documents WHERE source LIKE 'upload/%'").fetchall() == [("upload/新.txt",)]
    assert con.execute("SELECT count(*) FROM documents WHERE source LIKE ?", [f"{tmp_path}%"]).fetchall() == [(0,)]
    con.close()
    assert [s for _, s in report.added_docs] == ["upload/新.txt"]
    # the same files uploaded again: one failure and one duplicate each, not two, and the file added
    # before is unchanged (QA pass 16: not a duplicate of itself); a file that failed and is now
    # readable leaves the failures
    report = build.add_documents(db, [tmp], workers=1, source_of=upload_source)
    assert report.added == 0 and [s for _, s in report.duplicates] == ["upload/讲话.txt"]
    assert [s for _, s in report.unchanged] == ["upload/新.txt"]
    (tmp / "bin.txt").write_text("镇党委书记讲话\n同志们:\n一是抓项目。二是抓招商。\n", encoding="utf-8")
    (tmp / "bad.txt").write_bytes(b"\x00" * 40)
    build.add_documents(db, [tmp / "bad.txt"], workers=1, source_of=upload_source)
    build.add_documents(db, [tmp / "bad.txt"], workers=1, source_of=upload_source)
    build.add_documents(db, [tmp / "bin.txt"], workers=1, source_of=upload_source)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT source FROM failures ORDER BY source").fetchall() == [("upload/bad.txt",)]
    assert con.execute("SELECT source, count(*) FROM duplicates WHERE source LIKE 'upload/%' GROUP BY source "
                       "ORDER BY source").fetchall() == [("upload/讲话.txt", 1)]
    con.close()


def test_count_prints_one_csv_row_per_phrase_and_document(built_db):
    proc = run_cli("count", "强首府", "8337", "=SUM(1)", "--db", built_db, "--province", "宁夏回族自治区",
                   "--province", "内蒙古自治区")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r["phrase"], r["region"], r["count"]) for r in rows] == [
        ("8337", "内蒙古自治区 呼伦贝尔市 海拉尔区", "4"), ("8337", "内蒙古自治区 呼伦贝尔市 海拉尔区", "2"),
        ("8337", "内蒙古自治区 呼伦贝尔市 海拉尔区", "2"),
        ("强首府", "内蒙古自治区 呼和浩特市", "1"), ("强首府", "宁夏回族自治区 银川市", "14")]
    assert rows[-1]["per_10k"] == str(round(14 / int(rows[-1]["n_chars"]) * 10_000, 3))
    assert "强首府" in rows[-1]["example"] and not rows[-1]["example"].startswith("，")
    assert "not found: =SUM(1)" in proc.stderr
    js = run_cli("count", "强首府", "--db", built_db, "--json")
    assert [json.loads(line)["count"] for line in js.stdout.splitlines()] == [1, 14]
    # an argument with ; or ； is several phrases, each counted or named as not found (QA pass 15:
    # the parts beyond the number of arguments were dropped without a word)
    split = run_cli("count", "强首府；8337", "三高四新;奋力争先", "=SUM(1)", "--db", built_db, "--json")
    counted = {json.loads(line)["phrase"] for line in split.stdout.splitlines()}
    missing = set(split.stderr.split("not found: ")[1].strip().split(", ")) if "not found: " in split.stderr else set()
    assert counted | missing == {"强首府", "8337", "三高四新", "奋力争先", "=SUM(1)"}
    assert {"强首府", "8337"} <= counted and "=SUM(1)" in missing


def test_export_writes_the_filtered_dataset_as_xlsx(built_db, tmp_path):
    import openpyxl

    out = tmp_path / "sichuan.xlsx"
    proc = run_cli("export", out, "--db", built_db, "--province", "四川省", "--year-from", "2024", "--year-to", "2024")
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["documents", "targets", "outline", "declared_counts", "slogans", "keywords", "codebook", "说明"]
    docs = list(wb["documents"].iter_rows(values_only=True))
    header, rows = docs[0], docs[1:]
    provinces = {r[header.index("province")] for r in rows}
    years = {r[header.index("year")] for r in rows}
    assert provinces == {"四川省"} and years == {2024} and len(rows) >= 15
    con = duckdb.connect(str(built_db), read_only=True)
    # 成都.txt is a near-duplicate of 成都.docx: left out, as on the dashboard
    kept = "province = '四川省' AND year = 2024 AND duplicate_of IS NULL"
    n = con.execute(f"SELECT count(*) FROM documents WHERE {kept}").fetchall()[0][0]
    t = con.execute(f"SELECT count(*) FROM targets JOIN documents USING (doc_id) WHERE {kept}").fetchall()[0][0]
    assert n == con.execute("SELECT count(*) FROM documents WHERE province = '四川省' AND year = 2024").fetchall()[0][0] - 1
    con.close()
    assert len(rows) == n and sum(1 for _ in wb["targets"].iter_rows()) - 1 == t
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True)}
    assert about["筛选"] == f"2024 · 四川省 · {n} 篇 · 另有 1 篇近似重复未计入"
    assert f"{n:,} documents" in proc.stderr and f"targets {t:,}" in proc.stderr


def test_export_one_table_to_stdout_with_the_filters_of_a_dashboard_address(built_db):
    url = "http://localhost:8501/targets?province=宁夏回族自治区&type=work_report&ind=gdp_growth"
    proc = run_cli("export", "-", "--table", "targets", "--db", built_db, "--url", url)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.lstrip("\ufeff").splitlines()
    assert "(宁夏回族自治区 · 政府工作报告" in proc.stderr  # the filters: on stderr, the table is plain
    rows = list(csv.DictReader(lines))
    assert rows and {r["province"] for r in rows} == {"宁夏回族自治区"}
    # the address's indicator is a page choice, not a filter: every indicator is exported
    assert len({r["canonical"] for r in rows}) > 5
    # an option given as well replaces the address's value
    other = run_cli("export", "-", "--table", "documents", "--db", built_db, "--url", url, "--province", "四川省")
    docs = list(csv.DictReader(other.stdout.lstrip("\ufeff").splitlines()))
    assert {r["province"] for r in docs} == {"四川省"}
    # an address without filters says so rather than exporting everything silently
    bare = run_cli("export", "-", "--table", "documents", "--db", built_db, "--url", "http://localhost:8501/targets")
    assert bare.returncode == 0 and "holds no dashboard filters" in bare.stderr


@pytest.mark.parametrize("args, message", [
    (["out.txt"], "must end in .xlsx, .json, .zip, .csv"),
    (["out.csv"], "give exactly one --table"),
    (["-", "--table", "targets", "--table", "outline"], "give exactly one --table"),
    (["nodir/out.xlsx"], "nodir/out.xlsx: no such folder"),  # named, not a temporary file of it
])
def test_export_refuses_what_it_cannot_write(built_db, tmp_path, args, message):
    proc = run_cli("export", *[tmp_path / a if a.startswith(("out.", "nodir")) else a for a in args], "--db", built_db)
    assert proc.returncode == 2 and message in proc.stderr and ".export-" not in proc.stderr


@pytest.mark.parametrize("labels", ["codes", "zh"])
def test_export_zip_is_streamed_and_holds_the_dashboards_rows(built_db, tmp_path, labels):
    """.zip/.csv exports are written by DuckDB's COPY (flat memory at any size); their rows are the
    dashboard download's rows (to_csv_zip_bytes of queries.full_dataset), value for value, in
    either form (``--labels zh``: the dashboard's 中文 download)."""
    from metrics import export as ex
    from metrics.ui import queries as Q

    out = tmp_path / "nmg.zip"
    proc = run_cli("export", out, "--db", built_db, "--province", "内蒙古自治区", "--labels", labels)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        full = Q.full_dataset(con, Filters(province=("内蒙古自治区",)), labels == "zh")
    finally:
        con.close()
    targets = "数字目标" if labels == "zh" else "targets"
    meta = ex.ExportMeta("x", "y", "z")
    ours, dashboard = zipfile.ZipFile(out), zipfile.ZipFile(io.BytesIO(ex.to_csv_zip_bytes(full, meta)))
    assert sorted(ours.namelist()) == sorted(dashboard.namelist()) == sorted([*(f"{t}.csv" for t in full), "说明.csv"])

    def rows(zf, name):
        return list(csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"), newline="")))

    about = dict(rows(ours, "说明.csv")[1:])
    assert about["筛选"].startswith("内蒙古自治区") and about["URL 参数"] == "province=内蒙古自治区"
    for name in set(dashboard.namelist()) - {"说明.csv"}:
        assert rows(ours, name) == rows(dashboard, name), name
    assert len(rows(ours, f"{targets}.csv")) == len(full[targets]) + 1 > 100


def test_export_refuses_a_workbook_too_large_for_memory(built_db, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from metrics import cli

    monkeypatch.setattr(cli, "EXPORT_IN_MEMORY_MAX_ROWS", 100)
    result = CliRunner().invoke(cli.main, ["export", str(tmp_path / "big.xlsx"), "--db", str(built_db)])
    assert result.exit_code == 1 and "export to .zip, which is streamed" in result.output
    assert not list(tmp_path.iterdir())  # nothing left behind
    ok = CliRunner().invoke(cli.main, ["export", str(tmp_path / "big.zip"), "--db", str(built_db)])
    assert ok.exit_code == 0 and (tmp_path / "big.zip").exists()


@pytest.mark.parametrize("args", [["one", "typo"], ["typo", "--add"]], ids=["one path mistyped", "add"])
def test_a_mistyped_path_changes_nothing(tmp_path, args):
    """QA pass 7: "build data/seeds dta" rebuilt the database from data/seeds alone (exit 1), and
    "build dta --add" recorded a failure row."""
    db = tmp_path / "x.duckdb"
    (tmp_path / "one").mkdir()
    shutil.copy(SEED, tmp_path / "one" / SEED.name)
    assert run_cli("build", tmp_path / "one", "--db", db, "-q").returncode == 0
    before = db.read_bytes()
    proc = run_cli("build", *[tmp_path / a if not a.startswith("-") else a for a in args], "--db", db, "-q")
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr and "typo" in proc.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("where", ["missing", "empty"])
def test_a_build_that_finds_no_file_leaves_the_database_as_it_was(tmp_path, where):
    """QA pass 6: a mistyped folder replaced a 146-document database with an empty one (exit 1)."""
    db = tmp_path / "x.duckdb"
    src = tmp_path / "one"
    src.mkdir()
    shutil.copy(SEED, src / SEED.name)
    assert run_cli("build", src, "--db", db, "-q").returncode == 0
    (tmp_path / "empty").mkdir()
    proc = run_cli("build", tmp_path / ("typo" if where == "missing" else "empty"), "--db", db, "-q")
    assert proc.returncode == 2 and "was not changed" in proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchall() == [(1,)]


@pytest.mark.parametrize("content,args,message", [
    ("hello\n", (), "line 1: not JSON"),
    ("", (), "no labels in it"),
    (None, ("nothere.txt",), "none of nothere.txt is labelled"),
    ('{"id": "000_c640d4500c71a10a", "targets": "abc"}\n', (), '"targets" must be a list of objects'),
    ('{"id": "000_c640d4500c71a10a", "targets": [{"foo": 1}]}\n', (), "targets item 1 lacks low"),
], ids=["not JSON", "empty", "unlabelled file", "targets not a list", "item without fields"])
def test_evaluate_names_a_bad_label_file(tmp_path, content, args, message):
    """QA pass 6: a non-JSON label file gave a traceback; an empty one 'documents scored: 0', exit 0."""
    gold = ROOT / "tests" / "gold" / "seeds.jsonl"
    if content is not None:
        gold = tmp_path / "gold.jsonl"
        gold.write_text(content, encoding="utf-8")
    proc = run_cli("evaluate", gold, *args)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_count_says_when_the_filter_leaves_no_document(built_db):
    """QA pass 6: "not found: 高质量发展" (exit 0) blamed the phrase for a filter that matched nothing."""
    proc = run_cli("count", "高质量发展", "--db", built_db, "--province", "不存在省")
    assert proc.returncode == 2 and "matches no document" in proc.stderr and "not found" not in proc.stderr


def test_a_link_with_a_city_outside_its_province_counts_what_the_dashboard_shows(built_db):
    """QA pass 8: /?city=南京市&province=四川省 shows 四川省 (the city dropped, with a notice); --url
    applied both and searched nothing."""
    url = "http://localhost:8501/?city=南京市&province=四川省"
    proc = run_cli("count", "高质量发展", "--db", built_db, "--url", url)
    assert proc.returncode == 0, proc.stderr
    assert "城市「南京市」 of --url matches no document" in proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert rows and {r["region"].split()[0] for r in rows} == {"四川省"}
    # without --url, explicit options are applied as given
    alone = run_cli("count", "高质量发展", "--db", built_db, "--city", "南京市", "--province", "四川省")
    assert alone.returncode == 2 and "matches no document" in alone.stderr


def test_export_names_a_region_no_document_has_and_what_it_may_be(built_db, tmp_path):
    """QA pass 9: --province 山东 (for 山东省) exported nothing with exit 0 and no hint."""
    proc = run_cli("export", tmp_path / "z.csv", "--table", "targets", "--province", "山东", "--db", built_db)
    # (QA pass 14: an export of nothing is refused, as count refuses to search nothing)
    assert proc.returncode == 2 and "no document has province '山东'; did you mean 山东省?" in proc.stderr
    assert "no document has" not in run_cli("export", tmp_path / "y.csv", "--table", "targets", "--province", "山东省",
                                            "--db", built_db).stderr


def test_export_to_stdout_is_a_plain_csv_for_a_pipe(built_db):
    """QA pass 9: the BOM made csv.reader read the first column as '\\ufeffdoc_id'."""
    proc = run_cli("export", "-", "--table", "documents", "--province", "山东省", "--db", built_db)
    assert proc.returncode == 0 and proc.stdout.startswith("doc_id,")


@pytest.mark.parametrize("command", [["count", "高质量发展"], ["export", "-", "--table", "documents"], ["similar", "x.txt"]])
def test_a_db_that_is_no_database_is_a_usage_error(tmp_path, command):
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    proc = run_cli(*command, "--db", bad)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "Invalid value for '--db'" in proc.stderr and "cannot open the database" in proc.stderr


def test_a_manifest_city_moves_the_region_and_drops_what_does_not_lie_in_it(tmp_path):
    """QA pass 11: city=温州市 for a 青田县 speech kept 青田县 and its code (both 丽水市's)."""
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,city\n000_c640d4500c71a10a.txt,温州市\n", encoding="utf-8")
    db = tmp_path / "m.duckdb"
    run_cli("build", DATA / "seeds", "--db", db, "--manifest", manifest, "--quiet", check=True)
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT province, city, district, level, region_code FROM documents WHERE file_name = ?",
                      ["000_c640d4500c71a10a.txt"]).fetchone()
    assert row == ("浙江省", "温州市", None, "city", "330300")


def test_export_exit_codes_for_a_place_it_cannot_write_and_a_closed_pipe(built_db, tmp_path):
    """QA pass 11: an unwritable OUT exited 1 (the code for "some files failed"); "| head" exited 1."""
    import subprocess
    import sys

    from conftest import ROOT

    proc = run_cli("export", "/proc/out.xlsx", "--db", built_db)  # a folder no file can be written in
    assert proc.returncode == 3 and "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    command = f"set -o pipefail; {sys.executable} -m metrics export - --table slogans --db {built_db} | head -1"
    pipe = subprocess.run(command, shell=True, capture_output=True, text=True, executable="/bin/bash", cwd=ROOT)
    assert pipe.returncode == 0 and pipe.stdout.startswith("doc_id,") and pipe.stderr.strip() == ""


def test_a_benchmark_stopped_by_sigterm_removes_its_corpora(tmp_path):
    """QA pass 11: a bench stopped with SIGTERM left gigabytes of /tmp/metrics-bench-* behind."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "metrics", "bench", "--sizes", "100000", "--out", str(tmp_path / "out")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not list(tmp_path.glob("metrics-bench-*/corpus-*/*")) and time.time() < deadline:
            time.sleep(0.2)
        assert list(tmp_path.glob("metrics-bench-*")), "the benchmark wrote no corpus"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    assert not list(tmp_path.glob("metrics-bench-*"))


@pytest.mark.parametrize("option, value", [("--year-from", "1800"), ("--year-to", "99999999999"), ("--year-from", "二〇二四")])
def test_a_year_outside_the_filters_range_is_refused(built_db, tmp_path, option, value):
    """The dashboard's slider keeps years within 1949–2100; the CLI refuses one outside, naming it
    (before, 99999999999 reached DuckDB)."""
    proc = run_cli("export", tmp_path / "x.csv", "--db", built_db, option, value)
    assert proc.returncode == 2 and option in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_reversed_year_range_is_used_swapped_with_a_warning(built_db):
    """QA pass 12: the CLI swapped it in silence; the dashboard says 前后颠倒."""
    # (through a link, 2012–2024 are the data's first and last years: the slider at its ends, no
    # limit, as the page shows it; given as options, the years are applied as they are)
    for args, plain in ((["--year-from", "2024", "--year-to", "2012"], ["--year-from", "2012", "--year-to", "2024"]),
                        (["--url", "http://localhost:8501/?from=2024&to=2012"], [])):
        proc = run_cli("count", "高质量发展", "--db", built_db, *args)
        assert proc.returncode == 0 and "the years are reversed (2024 to 2012): 2012–2024 is used" in proc.stderr
        same = run_cli("count", "高质量发展", "--db", built_db, *plain)
        assert proc.stdout == same.stdout
    proc = run_cli("count", "高质量发展", "--db", built_db, "--url", "http://localhost:8501/?from=abc&level=bogus")
    assert "holds no dashboard filter it can apply" in proc.stderr


def test_build_refuses_a_db_path_that_cannot_be_a_database(tmp_path):
    """QA pass 14 (D3, D4, D15): --db naming the user's notes replaced them; --add on such a file
    printed a traceback; a folder failed only after every file was analysed; a missing folder was
    made, where export refuses one."""
    notes = tmp_path / "notes.txt"
    notes.write_text("my important notes", encoding="utf-8")
    for extra in ((), ("--add",)):
        proc = run_cli("build", SEED, "--db", notes, "--quiet", *extra)
        assert proc.returncode == 3 and "Traceback" not in proc.stderr
        assert f"{notes} exists and is not a DuckDB database; it was not changed" in proc.stderr
        assert notes.read_text(encoding="utf-8") == "my important notes"
    proc = run_cli("build", SEED, "--db", tmp_path, "--quiet")
    assert proc.returncode == 3 and f"{tmp_path} is a folder, not a database file" in proc.stderr
    assert not list(tmp_path.glob("*.lock"))
    proc = run_cli("build", SEED, "--db", notes / "x.duckdb", "--quiet")
    assert proc.returncode == 3 and f"{notes} is a file, not a folder" in proc.stderr
    proc = run_cli("build", SEED, "--db", tmp_path / "no" / "x.duckdb", "--quiet")
    assert proc.returncode == 2 and "no such folder" in proc.stderr and not (tmp_path / "no").exists()
    proc = run_cli("build", SEED, "--db", tmp_path / "ok.duckdb")
    assert proc.returncode == 0 and "1 document added to" in proc.stderr


def test_export_of_a_filter_that_matches_nothing_is_refused(built_db, tmp_path):
    """QA pass 14 (D15): an export with a mistyped province wrote empty tables and exited 0 (count exits 2)."""
    out = tmp_path / "z.zip"
    proc = run_cli("export", out, "--db", built_db, "--province", "四川")
    assert proc.returncode == 2 and "matches no document" in proc.stderr and not out.exists()


def test_evaluate_writes_its_errors_on_stderr(tmp_path):
    proc = run_cli("evaluate", ROOT / "tests" / "gold" / "seeds.jsonl", "--data-dir", tmp_path)
    assert proc.returncode == 1 and "error:" in proc.stderr and "error:" not in proc.stdout


def test_a_link_with_the_datas_first_and_last_year_exports_what_the_page_shows(built_db):
    """QA pass 14 (D5): the page reads from/to at the data's bounds as the slider at its ends (no
    limit, the document of no known year included); --url applied them literally and left it out."""
    import duckdb

    con = duckdb.connect(str(built_db), read_only=True)
    lo, hi, undated = con.execute("SELECT min(year), max(year), count(*) FILTER (WHERE year IS NULL) FROM documents").fetchone()
    con.close()
    assert undated >= 1
    whole = run_cli("export", "-", "--table", "documents", "--db", built_db)
    linked = run_cli("export", "-", "--table", "documents", "--db", built_db, "--url", f"http://x/?from={lo}&to={hi}")
    assert whole.returncode == linked.returncode == 0, linked.stderr
    assert len(linked.stdout.splitlines()) == len(whole.stdout.splitlines())
    inner = run_cli("export", "-", "--table", "documents", "--db", built_db, "--url", f"http://x/?from={lo + 1}&to={hi}")
    assert len(inner.stdout.splitlines()) < len(whole.stdout.splitlines()) - undated
