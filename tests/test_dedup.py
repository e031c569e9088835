"""Near-duplicates (metrics/dedup.py): sketches on real texts, the kept twin, builds and adds,
filters and the command line."""

from __future__ import annotations

import random
import shutil

import duckdb
import numpy as np
import pytest

from metrics import DB_SCHEMA_VERSION, dedup
from metrics.build import add_documents, build_database
from metrics.filters import Filters
from metrics.normalize import fold, rejoin_wraps
from metrics.reader import read_document
from metrics.ui import queries as Q

from tests.conftest import DATA, run_cli

REPORTS = DATA / "city-reports-2024"
TWINS = {"北京", "成都", "深圳"}  # data/docx holds the originals of these scraped reports


def _sketch(path):
    return dedup.sketch(rejoin_wraps(fold(read_document(path).text)))


@pytest.fixture(scope="module")
def sketches():
    return {p.name: _sketch(p) for p in sorted(REPORTS.glob("*.txt"))[:40]} | {
        p.name: _sketch(p) for p in sorted((DATA / "docx").glob("*.docx"))}


def test_a_docx_and_its_scraped_copy_are_twins_and_other_reports_are_far_apart(sketches):
    for city in TWINS:
        assert dedup.similarity(_sketch(REPORTS / f"{city}.txt"), sketches[f"{city}.docx"]) >= 0.95
    names = [n for n in sketches if n.endswith(".txt") and n[:-4] not in TWINS]
    worst = max(dedup.similarity(sketches[a], sketches[b]) for i, a in enumerate(names) for b in names[i + 1:])
    assert worst < 0.3  # distinct reports of one year share boilerplate, far below THRESHOLD


def test_wraps_punctuation_and_scraped_cruft_do_not_matter_but_other_text_does():
    text = read_document(REPORTS / "成都.txt").text
    body = text[:8000]
    rewrapped = "\n".join(body[i:i + 37] for i in range(0, len(body), 37))  # broken line wraps
    punct = body.replace("，", ",").replace("。", ". ")
    cruft = "来源：某某新闻网 时间：2024-01-20 10:31 责任编辑：小王\n【打印本页】【关闭窗口】\n" + body + "\n上一篇 下一篇 分享到"
    base = dedup.sketch(body)
    for variant in (rewrapped, punct, cruft):
        assert dedup.similarity(base, dedup.sketch(variant)) >= 0.9
    half = dedup.sketch(body[:4000])  # an excerpt is not the document
    assert dedup.similarity(base, half) < dedup.THRESHOLD
    other = dedup.sketch(read_document(REPORTS / "南京.txt").text[:8000])
    assert dedup.similarity(base, other) < 0.2


def test_short_and_empty_texts_have_small_or_no_sketches():
    assert len(dedup.sketch("")) == 0 and len(dedup.sketch("。。，，  \n")) == 0
    assert len(dedup.sketch("一二三四五")) == 1
    assert dedup.similarity(dedup.sketch(""), dedup.sketch("一二三四五")) == 0.0
    s = dedup.sketch(read_document(REPORTS / "南京.txt").text)
    assert len(s) == dedup.K and np.all(np.diff(s.astype(np.float64)) > 0)


def _candidate(doc_id, fmt, source, sk, block=(2024, "510100")):
    return dedup.Candidate(doc_id, block, fmt, source, sk)


def test_the_original_format_is_kept_and_the_choice_does_not_depend_on_order():
    text = read_document(REPORTS / "成都.txt").text
    a, b, c = dedup.sketch(text), dedup.sketch(text + "\n来源：成都日报"), dedup.sketch("转载：" + text)
    cands = [_candidate("t1", "txt", "b/成都.txt", a), _candidate("d1", "docx", "z/成都.docx", b),
             _candidate("t2", "txt", "a/成都（转载）.txt", c),
             _candidate("other", "txt", "a/南京.txt", dedup.sketch(read_document(REPORTS / "南京.txt").text))]
    want = dedup.find_twins(cands)
    assert [(t.doc_id, t.duplicate_of) for t in want] == [("t1", "d1"), ("t2", "d1")]
    assert all(t.similarity >= 0.95 for t in want)
    for seed in range(5):
        shuffled = cands[:]
        random.Random(seed).shuffle(shuffled)
        assert dedup.find_twins(shuffled) == want
    # without the .docx, the first path of the .txt copies is kept
    assert [(t.doc_id, t.duplicate_of) for t in dedup.find_twins(cands[::2] + cands[3:])] == [("t1", "t2")]


def test_the_same_text_in_another_year_or_region_is_not_a_twin():
    sk = dedup.sketch(read_document(REPORTS / "成都.txt").text)
    assert dedup.find_twins([_candidate("a", "txt", "a", sk), _candidate("b", "txt", "b", sk, (2023, "510100")),
                             _candidate("c", "txt", "c", sk, (2024, "320100"))]) == []


def test_the_sample_corpus_has_its_four_twins_marked(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        rows = con.execute("""SELECT d.file_name, k.file_name, d.dup_similarity FROM documents d
                              JOIN documents k ON k.doc_id = d.duplicate_of ORDER BY 1""").fetchall()
        n_all = con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
        assert Q.count_docs(con, Filters()) == n_all - 4
        assert Q.count_docs(con, Filters(duplicates=True)) == n_all
        assert Q.count_near_duplicates(con) == 4
        near = Q.near_duplicates(con, Filters(province=("四川省",)))
        assert [[s.split("data/")[-1] for s in row] for row in near[["duplicate_source", "kept_source"]].values] == [
            ["city-reports-2024/成都.txt", "docx/成都.docx"]]
        kept = con.execute("SELECT doc_id FROM documents WHERE file_name = '成都.docx'").fetchall()[0][0]
        twin = con.execute("SELECT doc_id FROM documents WHERE file_name = '成都.txt'").fetchall()[0][0]
        assert Q.doc_twins(con, kept)["file_name"].tolist() == ["成都.txt"]
        assert Q.doc_twins(con, twin)[["file_name", "kept"]].values.tolist() == [["成都.docx", True]]
    finally:
        con.close()
    # the three .docx originals and the printed 鄂州.pdf are kept, their scraped .txt copies marked
    assert [(a, b) for a, b, _ in rows] == sorted([(f"{c}.txt", f"{c}.docx") for c in TWINS] + [("鄂州.txt", "鄂州.pdf")])
    assert all(s >= 0.95 for _, _, s in rows)


def _marks(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        marks = con.execute("""SELECT d.file_name, k.file_name FROM documents d
                               LEFT JOIN documents k ON k.doc_id = d.duplicate_of ORDER BY 1""").fetchall()
        stats = con.execute("SELECT sum(count) FROM slogan_stats WHERE city = '成都市'").fetchall()[0][0]
        rollups = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
                   for t in ("phrase_stats", "slogan_stats", "target_stats", "keyword_stats", "keyword_docs")}
    finally:
        con.close()
    return marks, stats, rollups


def test_adding_the_original_later_gives_what_a_full_build_gives(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    for name in ("成都.txt", "南京.txt", "乐山.txt"):
        shutil.copy(REPORTS / name, files / name)
    # the copy is filed as a speech: it sits in other rollup groups than the original will
    (files / "成都.txt.meta.toml").write_text('doc_type = "speech"\n', encoding="utf-8")
    db = tmp_path / "add.duckdb"
    build_database([files], db, workers=1)
    marks, before, _ = _marks(db)
    assert all(k is None for _, k in marks)
    shutil.copy(DATA / "docx" / "成都.docx", files / "成都.docx")
    report = add_documents(db, [files / "成都.docx"], workers=1)
    assert report.added == 1 and report.near_duplicates == 1
    full = tmp_path / "full.duckdb"
    build_database([files], full, workers=1)
    assert _marks(db) == _marks(full)
    marks, after, rollups = _marks(db)
    assert not any("'speech'" in row for rows in rollups.values() for row in rows)  # the copy left its groups
    assert ("成都.txt", "成都.docx") in marks
    # 成都's slogans count once in the rollups: the .txt left them, the .docx came in
    con = duckdb.connect(str(db), read_only=True)
    try:
        raw = con.execute("""SELECT sum(s.count) FROM slogans s JOIN documents d USING (doc_id)
                             WHERE d.city = '成都市' AND s.kind = 'dictionary' AND d.duplicate_of IS NULL""").fetchall()[0][0]
    finally:
        con.close()
    assert after == raw and before > 0
    # the added document is numbered after the others, and its sketch values are rows for 相似文档
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT list(doc_no ORDER BY doc_no) FROM documents").fetchall() == [([1, 2, 3, 4],)]
        assert con.execute("SELECT doc_no FROM documents WHERE file_name = '成都.docx'").fetchall() == [(4,)]
        assert con.execute("""SELECT count(*) FROM documents d WHERE d.sketch IS DISTINCT FROM
                              (SELECT list(v ORDER BY v) FROM sketch_values s WHERE s.doc_no = d.doc_no)""").fetchall() == [(0,)]
    finally:
        con.close()


def test_an_older_database_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    db = tmp_path / "old.duckdb"
    build_database([REPORTS / "南京.txt"], db, workers=1)
    con = duckdb.connect(str(db))
    con.execute("UPDATE build_info SET value = '1' WHERE key = 'schema_version'")
    con.close()
    proc = run_cli("build", "--add", REPORTS / "乐山.txt", "--db", db)
    assert proc.returncode != 0 and "older version" in proc.stderr and "schema 1" in proc.stderr
    proc = run_cli("count", "强省会", "--db", db)
    assert proc.returncode != 0 and "build it again" in proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchall() == [(1,)]  # nothing was changed
    con.close()
    assert "build it again" in run_cli("similar", "南京.txt", "--db", db).stderr
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard_app import APP

    monkeypatch.setenv("SPEECH_METRICS_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith(f"数据库由旧版本构建（结构版本 1，本版本为 {DB_SCHEMA_VERSION}") and "重新构建" in error


def test_the_filter_round_trips_through_the_url_and_describes_itself():
    f = Filters(province=("四川省",), duplicates=True)
    assert f.to_query_params() == {"province": ["四川省"], "dup": "1"}
    assert Filters.from_query_params(f.to_query_params()) == f
    assert Filters.from_query_params({"dup": "yes"}) == Filters()
    assert f.describe(3) == "四川省 · 含近似重复 · 3 篇"
    assert Filters(duplicates=True).keeps_all and not Filters().keeps_all


def test_export_with_duplicates_has_the_marked_rows(built_db, tmp_path):
    out = tmp_path / "docs.csv"
    for flag, n_twins in (("--without-duplicates", 0), ("--with-duplicates", 1)):
        proc = run_cli("export", out, "--table", "documents", "--db", built_db, "--city", "成都市", flag)
        assert proc.returncode == 0, proc.stderr
        text = out.read_text(encoding="utf-8-sig")
        assert text.count(",成都.docx,") == 1 and text.count(",成都.txt,") == n_twins
        assert "duplicate_of" in text.splitlines()[[i for i, line in enumerate(text.splitlines())
                                                     if not line.startswith("#")][0]]


def test_the_dashboard_leaves_twins_out_until_asked(built_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard_app import APP, no_errors, open_document

    monkeypatch.setenv("SPEECH_METRICS_DB", str(built_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["city"] = "成都市"
    at.run()
    no_errors(at)
    assert {m.label: m.value for m in at.metric}["文档"] == "1"
    assert any("另有 1 篇近似重复未计入" in c.value for c in at.caption)
    [near] = [d.value for d in at.dataframe if "近似重复" in d.value.columns]  # 数据质量 · 近似重复的文档
    assert near[["近似重复", "保留"]].values.tolist() == [["city-reports-2024/成都.txt", "docx/成都.docx"]]
    box = at.checkbox(key="f_duplicates")
    assert box.label == "包括近似重复的文档（4 篇）" and box.value is False
    box.check().run()
    no_errors(at)
    assert {m.label: m.value for m in at.metric}["文档"] == "2" and at.query_params["dup"] == "1"
    assert not any("近似重复未计入" in c.value for c in at.caption)

    con = duckdb.connect(str(built_db), read_only=True)
    twin = con.execute("SELECT doc_id FROM documents WHERE file_name = '成都.txt'").fetchall()[0][0]
    con.close()
    at = open_document(built_db, twin, monkeypatch)
    [note] = [i.value for i in at.info if "近似重复" in i.value]
    assert note.startswith("本文是 [成都\\.docx](document?doc=") and "不计入" in note
    [similar] = [e for e in at.expander if e.label.startswith("相似文档")]
    assert similar.label == "相似文档（1 篇）"  # the .docx; other cities' reports share < 0.05


def test_similar_documents_rank_last_years_report_and_the_twin_first(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        ids = dict(con.execute("SELECT source, doc_id FROM documents").fetchall())
        by_end = {s.split("data/")[-1]: d for s, d in ids.items()}
        hailar = Q.similar_docs(con, by_end["hailar-district-reports/2015.txt"], min_similarity=0)
        chengdu = Q.similar_docs(con, by_end["city-reports-2024/成都.txt"], min_similarity=0)
        shown = Q.similar_docs(con, by_end["hailar-district-reports/2015.txt"])  # from SIMILAR_MIN on
    finally:
        con.close()
    # the district's report of the year before reuses a tenth of this one; other cities' far less
    assert hailar["region"].iloc[0].endswith("海拉尔区") and hailar["year"].iloc[0] == 2014
    assert 0.05 < hailar["similarity"].iloc[0] < 0.5
    assert (hailar.loc[~hailar["region"].str.endswith("海拉尔区"), "similarity"] < 0.05).all()
    assert hailar["similarity"].is_monotonic_decreasing and len(hailar) == 10
    assert by_end["hailar-district-reports/2015.txt"] not in set(hailar["doc_id"])
    assert chengdu["doc_id"].iloc[0] == by_end["docx/成都.docx"] and chengdu["similarity"].iloc[0] == 1.0
    assert chengdu["similarity"].iloc[1] < 0.05
    assert shown["doc_id"].tolist() == hailar["doc_id"].tolist()[:len(shown)] and len(shown) == 3
    assert (shown["similarity"] >= Q.SIMILAR_MIN).all()
    proc = run_cli("similar", "2015.txt", "--db", built_db, "-n", "2")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "doc_id,title,region,year,doc_type,near_duplicate,similarity" and len(lines) == 3
    assert lines[1].startswith(hailar["doc_id"].iloc[0]) and ",2014,work_report,False," in lines[1]
    assert run_cli("similar", "没有这个文件.txt", "--db", built_db).returncode == 2  # a usage error
    assert len(run_cli("similar", "成都.txt", "--db", built_db).stdout.splitlines()) == 2  # the .docx only
    # near_duplicate says the pair is marked, whichever of the two is the kept one (QA pass 6)
    for a, b in (("成都.txt", "成都.docx"), ("成都.docx", "成都.txt")):
        row = run_cli("similar", a, "--db", built_db, "-n", "1").stdout.splitlines()[1]
        assert row.startswith(by_end[f"{'docx' if b.endswith('docx') else 'city-reports-2024'}/{b}"]) and ",True,1.0" in row
    assert len(run_cli("similar", "成都.txt", "--db", built_db, "--min", "0").stdout.splitlines()) == 11


def test_batch_similarities_equal_the_definition_on_long_short_and_empty_sketches():
    """similarities (many pairs at once, on padded rows) against the bottom-k estimator written
    out with Python sets: of the K smallest hashes of both texts, the share both texts hold."""
    rng = np.random.default_rng(18)
    texts = [read_document(p).text for p in sorted(REPORTS.glob("*.txt"))[:6]]
    sketches = [dedup.sketch(t) for t in texts] + [dedup.sketch(texts[0][:3000] + texts[1][:3000]),
                                                   dedup.sketch("一二三四五六七八九十"), dedup.sketch("")]
    for _ in range(3):  # hashes drawn at random, overlapping at random
        pool = rng.integers(0, 2**63, 400, dtype=np.int64).astype(np.uint64)
        sketches.append(np.unique(rng.choice(pool, 300))[:dedup.K])
    pairs = [(a, b) for a in range(len(sketches)) for b in range(len(sketches))]

    def by_definition(a, b):
        union = sorted(set(a.tolist()) | set(b.tolist()))[:dedup.K]
        return len(set(union) & set(a.tolist()) & set(b.tolist())) / len(union) if union else 0.0

    got = dedup.similarities(dedup._padded([sketches[a] for a, _ in pairs]), dedup._padded([sketches[b] for _, b in pairs]))
    assert got.tolist() == pytest.approx([by_definition(sketches[a], sketches[b]) for a, b in pairs])
    # half of a text shared: J = 3,000 / 9,000
    assert 0.2 < dedup.similarity(dedup.sketch(texts[0][:6000]), sketches[6]) < 0.5


def _variants(n_texts=12, per_text=8, seed=5):
    """Edited copies of real reports: cut, rewrapped, with a header, a paragraph dropped or added."""
    rng = random.Random(seed)
    texts = [read_document(p).text[:12000] for p in sorted(REPORTS.glob("*.txt"))[:n_texts]]
    out = []
    for t, text in enumerate(texts):
        for v in range(per_text):
            cut = rng.randrange(0, 2500)
            body = text[cut:] if v % 2 else text[:len(text) - cut]
            if v % 3 == 0:
                body = "来源：某某网 " + str(rng.randrange(10**6)) + "\n" + body
            if v % 4 == 1:
                body += texts[(t + 1) % n_texts][:rng.randrange(500, 4000)]  # another report's passage
            out.append(_candidate(f"{t}-{v}", rng.choice(["txt", "docx", "html"]), f"{t}/{v}.txt", dedup.sketch(body),
                                  block=(None, "")))
    return out


def test_large_blocks_by_prefix_filtering_give_exactly_the_pairs_of_the_dense_count():
    block = _variants()
    matrix = dedup._padded([c.sketch for c in block])
    dense = dedup._pairs(block, matrix)
    assert 30 < len(dense[0]) < len(block) ** 2 / 4  # twins, and pairs that fall short of the screen
    for chunk in (dedup._CHUNK, 7):  # bounded chunks, down to a few pairs at a time
        old, dedup._CHUNK = dedup._CHUNK, chunk
        try:
            prefix = dedup._pairs(block, matrix, dense_max=0)
        finally:
            dedup._CHUNK = old
        assert [x.tolist() for x in prefix] == [x.tolist() for x in dense]


def test_a_block_of_twenty_thousand_documents_without_year_or_region_is_compared(monkeypatch):
    """Far beyond DENSE_MAX (a dense count would take 3.2 GB): the planted twins are found, each
    group keeps its original format, and documents merely alike are not marked."""
    rng = np.random.default_rng(20)
    # 20,000 unrelated documents' sketches (random hashes), each sharing a fifth of its values with
    # a neighbour: alike, far below the threshold
    pool = rng.integers(0, 2**63, 20_000 * 100, dtype=np.int64).astype(np.uint64).reshape(20_000, 100)
    shared = np.roll(pool[:, :25], 1, axis=0)
    cands = [_candidate(f"u{i:05}", "txt", f"u/{i}.txt", np.unique(np.r_[pool[i], shared[i]])[:dedup.K], block=(None, ""))
             for i in range(len(pool))]
    planted = _variants(n_texts=3, per_text=4)
    twins = dedup.find_twins(cands + planted)
    assert len(cands) + len(planted) > dedup.DENSE_MAX * 6
    assert {t.doc_id.split("-")[0] for t in twins} <= {"0", "1", "2"} and len(twins) >= 6
    want = dedup.find_twins(planted)  # the same planted documents on their own, by the dense count
    assert twins == want


def test_the_settings_are_a_checked_rule_file(tmp_path, monkeypatch):
    import tomllib

    from metrics.lexicon import RULE_FILES, data_path
    from metrics.ui import queries

    shipped = tomllib.loads(data_path(dedup.SETTINGS).read_text(encoding="utf-8"))
    assert (dedup.K, dedup.SHINGLE, dedup.THRESHOLD, dedup.SIMILAR_MIN) == (
        shipped["sketch_size"], shipped["shingle"], shipped["threshold"], shipped["similar_min"])
    assert list(dedup.FORMAT_RANK) == shipped["keep_formats"] and queries.SIMILAR_MIN == dedup.SIMILAR_MIN
    assert dedup.SETTINGS in RULE_FILES  # a change of settings is a change of rules version
    assert dedup.RULE_ZH == f"同年同地区、文字相似度 {shipped['threshold']:g} 以上"
    bad = tmp_path / dedup.SETTINGS
    bad.write_text(data_path(dedup.SETTINGS).read_text(encoding="utf-8").replace(
        f"threshold = {shipped['threshold']}", "threshold = 1.5"), encoding="utf-8")
    monkeypatch.setattr(dedup, "data_path", lambda name: tmp_path / name)
    with pytest.raises(ValueError, match=r"near_duplicates.toml: missing or invalid threshold$"):
        dedup._settings()
    bad.write_text(data_path(dedup.SETTINGS).read_text(encoding="utf-8").replace("min_chars = ", "min_chars = -"),
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"near_duplicates.toml: missing or invalid passages.min_chars$"):
        dedup._settings()
    from metrics import passages
    assert (passages.SHINGLE, passages.GAP, passages.MIN_CHARS) == tuple(
        shipped["passages"][k] for k in ("shingle", "gap", "min_chars"))


def test_similar_takes_a_file_stored_once_as_the_copy_it_duplicates_and_says_when_nothing_is_similar(built_db):
    """QA pass 8: 贵阳.txt (the same bytes as 台州.txt) was "no such document"; no result printed only a header."""
    proc = run_cli("similar", "贵阳.txt", "--db", built_db)
    assert proc.returncode == 0, proc.stderr
    assert "贵阳.txt has the same text as " in proc.stderr and "city-reports-2024/台州.txt, stored once" in proc.stderr
    assert "no document is at least 0.05 similar to 贵阳.txt" in proc.stderr
    assert proc.stdout.splitlines() == ["doc_id,title,region,year,doc_type,near_duplicate,similarity"]
    assert run_cli("similar", "贵阳.txt", "--db", built_db, "--min", "0", "-n", "3").stdout.count("\n") == 4
    assert "no document" not in run_cli("similar", "2015.txt", "--db", built_db).stderr
    assert run_cli("similar", "贵%.txt", "--db", built_db).returncode == 2  # LIKE wildcards are literal
