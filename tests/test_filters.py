"""Filters → SQL / URL: pure tests plus execution against a fixture database."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.filters import DOC_TYPE_LABELS, LEVEL_LABELS, Filters, escape_like

from tests.ui_fixtures import build_fixture_db, fixture_docs


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("filters") / "fx.duckdb")
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def run(con, f: Filters) -> set[str]:
    sql, params = f.where_sql("d")
    assert sql.count("?") == len(params)
    return {r[0] for r in con.cursor().execute(f"SELECT d.source FROM documents d WHERE {sql}", params).fetchall()}


ALL = {f"data/{d.name}" for d in fixture_docs()}
HAILAR = {f"data/hailar-district-reports/{y}.txt" for y in (2014, 2015, 2016)}


# ---------------------------------------------------------------- where_sql shape
@pytest.mark.parametrize(
    "filters, sql, params",
    [
        (Filters(), "TRUE", []),
        (Filters(province=("北京市",)), "d.province IN (?)", ["北京市"]),
        (Filters(province=("北京市", "江苏省")), "d.province IN (?, ?)", ["北京市", "江苏省"]),
        (Filters(city=("南京市",)), "d.city IN (?)", ["南京市"]),
        (Filters(district=("海拉尔区",)), "d.district IN (?)", ["海拉尔区"]),
        (Filters(town=("张家湾镇",)), "d.town IN (?)", ["张家湾镇"]),
        (Filters(level=("city", "province")), "d.level IN (?, ?)", ["city", "province"]),
        (Filters(doc_type=("speech",)), "d.doc_type IN (?)", ["speech"]),
        (Filters(year_from=2015), "d.year >= ?", [2015]),
        (Filters(year_to=2015), "d.year <= ?", [2015]),
        (Filters(year_from=2014, year_to=2016), "d.year >= ? AND d.year <= ?", [2014, 2016]),
        (Filters(speaker="聂"), "d.speaker ILIKE ? ESCAPE '\\'", ["%聂%"]),
        (Filters(text="营商"), "(d.text ILIKE ? ESCAPE '\\' OR d.title ILIKE ? ESCAPE '\\')", ["%营商%", "%营商%"]),
        (Filters(province=("北京市",), level=("town",), year_from=2019),
         "d.province IN (?) AND d.level IN (?) AND d.year >= ?", ["北京市", "town", 2019]),
    ],
)
def test_where_sql_shape(filters, sql, params):
    assert filters.replace(duplicates=True).where_sql() == (sql, params)
    twins = "d.duplicate_of IS NULL"  # near-duplicates are left out unless asked for
    assert filters.where_sql() == (twins if sql == "TRUE" else f"{sql} AND {twins}", params)


def test_alias_is_used_and_validated():
    sql, _ = Filters(city=("南京市",)).where_sql("docs")
    assert sql == "docs.city IN (?) AND docs.duplicate_of IS NULL"
    for bad in ["d; DROP TABLE documents", "1d", "d.x", "", "d--"]:
        with pytest.raises(ValueError):
            Filters().where_sql(bad)


def test_user_values_never_in_sql_text():
    evil = "北京市') OR 1=1 --"
    f = Filters(province=(evil,), speaker=evil, text=evil)
    sql, params = f.where_sql()
    assert evil not in sql and "1=1" not in sql
    assert evil in params


# ---------------------------------------------------------------- executed
@pytest.mark.parametrize(
    "filters, expected",
    [
        (Filters(), ALL),
        (Filters(province=("内蒙古自治区",)), HAILAR),
        (Filters(city=("呼伦贝尔市",)), HAILAR),
        (Filters(district=("海拉尔区",), year_from=2015), HAILAR - {"data/hailar-district-reports/2014.txt"}),
        (Filters(district=("海拉尔区",), year_from=2015, year_to=2015), {"data/hailar-district-reports/2015.txt"}),
        (Filters(town=("张家湾镇",)), {"data/seeds/001_21f03f1d8573d7b2.txt"}),
        (Filters(province=("北京市",), level=("district",)), {"data/seeds/000_c640d4500c71a10a.txt"}),
        (Filters(level=("city",)), {"data/city-reports-2024/南京.txt", "data/city-reports-2024/成都.txt"}),
        (Filters(doc_type=("speech",), year_to=2018), {"data/seeds/000_c640d4500c71a10a.txt"}),
        (Filters(speaker="杜联"), HAILAR - {"data/hailar-district-reports/2016.txt"}),
        (Filters(text="海拉尔"), HAILAR),
        (Filters(text="新质生产力", level=("city",)), {"data/city-reports-2024/南京.txt",
                                                     "data/city-reports-2024/成都.txt"}),
        (Filters(text="<script>"), {"data/upload/evil.txt"}),
        (Filters(province=("不存在省",)), set()),
        (Filters(year_from=2030), set()),
    ],
)
def test_filters_select_expected_documents(con, filters, expected):
    assert run(con, filters) == expected


EVIL = {"data/upload/evil.txt"}
ZJW = {"data/seeds/001_21f03f1d8573d7b2.txt"}


@pytest.mark.parametrize(
    "needle, expected",
    [
        ("a_b", set()), ("_", set()), ("\\", set()), ("100%_\\", set()), ("%%", set()), ("5_%", set()),
        ("''", set()), ("'; DROP TABLE documents; --", set()),
        ("'", EVIL),            # alert('xss') — quote matched literally, no SQL error
        ('"', EVIL),            # HYPERLINK("http://x")
        ("50%", ZJW),           # 占50% — % is literal, not a wildcard
        ("[点我](javascript:", EVIL),
    ],
)
def test_text_search_is_literal(con, needle, expected):
    assert run(con, Filters(text=needle)) == expected
    assert con.cursor().execute("SELECT count(*) FROM documents").fetchone()[0] == len(ALL)


@pytest.mark.parametrize("needle", ["_", "%", "\\", "'", "%'--"])
def test_speaker_wildcards_literal(con, needle):
    expected = EVIL if needle == "'" else set()
    assert run(con, Filters(speaker=needle)) == expected


def test_percent_literal_matches_only_real_percent(con):
    # "5%以内" occurs only in the Beijing report
    assert run(con, Filters(text="5%以内")) == {"data/city-reports-2024/北京.txt"}
    # a bare "%" pattern would match everything if unescaped
    assert run(con, Filters(text="%以内")) == {"data/city-reports-2024/北京.txt"}


def test_speaker_with_quote_matches(con):
    # the malicious speaker "=cmd|' /C calc'!A0" contains a single quote
    assert run(con, Filters(speaker="cmd|'")) == {"data/upload/evil.txt"}


def test_escape_like():
    assert escape_like("a%b_c\\d") == "a\\%b\\_c\\\\d"
    assert escape_like("普通文本") == "普通文本"


# ---------------------------------------------------------------- URL round trip
@pytest.mark.parametrize(
    "f",
    [
        Filters(),
        Filters(province=("北京市", "上海市")),
        Filters(city=("南京市",), district=("玄武区",), town=("梅园新村街道",)),
        Filters(level=("district", "town"), doc_type=("work_report",)),
        Filters(year_from=2013, year_to=2019),
        Filters(year_to=2020),
        Filters(speaker="聂玉泉", text="50% & a=b #x ?y"),
    ],
)
def test_query_param_round_trip(f):
    qp = f.to_query_params()
    assert Filters.from_query_params(qp) == f
    # also survives the str/list shapes st.query_params / AppTest produce
    single = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in qp.items()}
    assert Filters.from_query_params(single) == f


def test_from_query_params_ignores_garbage():
    f = Filters.from_query_params({
        "from": "20x5", "to": ["1800"], "level": ["district", "evil"], "type": "nope",
        "province": ["", "  ", "北京市", "北京市"], "unknown": "x", "q": "a\x00b\n c",
    })
    assert f == Filters(province=("北京市",), level=("district",), text="a b c")


def test_years_swapped_and_bounds():
    assert Filters(year_from=2020, year_to=2018) == Filters(year_from=2018, year_to=2020)
    assert Filters.from_query_params({"from": "2020", "to": "2018"}).where_sql()[1] == [2018, 2020]


def test_lists_are_capped_and_deduplicated():
    f = Filters.from_query_params({"province": [f"省{i}" for i in range(200)] + ["省1"]})
    assert len(f.province) == 50
    assert Filters(province=["a", "a", "b"]).province == ("a", "b")


def test_filters_are_frozen_and_hashable():
    f = Filters(province=("北京市",))
    with pytest.raises(Exception):
        f.province = ()  # type: ignore[misc]
    assert hash(f) == hash(Filters(province=["北京市"]))


# ---------------------------------------------------------------- describe
@pytest.mark.parametrize(
    "f, n, line",
    [
        (Filters(province=("北京市",), level=("district",), year_from=2018, year_to=2020), 12,
         "2018–2020 · 北京市 · 区级 · 12 篇"),
        (Filters(), 148, "全部文档 · 148 篇"),
        (Filters(year_from=2019, year_to=2019), 3, "2019 · 3 篇"),
        (Filters(year_from=2019), None, "2019 年起"),
        (Filters(year_to=2019), 1, "至 2019 年 · 1 篇"),
        (Filters(province=("江苏省",), city=("南京市", "苏州市")), 2, "南京市、苏州市 · 2 篇"),
        (Filters(province=tuple("甲乙丙丁戊"),), 9, "甲、乙、丙 等 5 地 · 9 篇"),
        (Filters(doc_type=("work_report", "speech")), 4, "政府工作报告、讲话 · 4 篇"),
        (Filters(speaker="聂", text="营商环境"), 1, "讲话人含「聂」 · 全文含「营商环境」 · 1 篇"),
    ],
)
def test_describe(f, n, line):
    assert f.describe(n) == line


def test_labels_cover_schema_values():
    assert set(LEVEL_LABELS) == {"national", "province", "city", "county", "district", "town", "street"}
    assert set(DOC_TYPE_LABELS) == {"speech", "work_report", "other"}


# ---------------------------------------------------------------- property
names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    province=st.lists(names, max_size=3),
    city=st.lists(names, max_size=3),
    level=st.lists(st.sampled_from(list(LEVEL_LABELS)), max_size=3),
    doc_type=st.lists(st.sampled_from(list(DOC_TYPE_LABELS)), max_size=2),
    years=st.tuples(st.none() | st.integers(1990, 2030), st.none() | st.integers(1990, 2030)),
    speaker=st.text(max_size=20),
    text=st.text(max_size=30),
)
def test_round_trip_property(province, city, level, doc_type, years, speaker, text):
    f = Filters(province=province, city=city, level=level, doc_type=doc_type, year_from=years[0],
                year_to=years[1], speaker=speaker, text=text)
    assert Filters.from_query_params(f.to_query_params()) == f
    sql, params = f.where_sql()
    assert sql.count("?") == len(params)
    # the SQL text depends only on which filters are set, never on their values
    shape = Filters(province=[f"p{i}" for i in range(len(f.province))],
                    city=[f"c{i}" for i in range(len(f.city))], level=f.level, doc_type=f.doc_type,
                    year_from=f.year_from, year_to=f.year_to, speaker="s" if f.speaker else "",
                    text="t" if f.text else "")
    assert shape.where_sql()[0] == sql


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=15))
def test_random_text_search_executes(con, text):
    f = Filters(text=text)
    result = run(con, f)
    assert result <= ALL


def test_a_link_takes_no_longer_search_than_the_inputs():
    """QA pass 14: a link's 150-character 全文检索 (80-character 讲话人) was shown whole in an input
    that takes 100 (50), and applied whole."""
    from metrics.filters import MAX_SEARCH_LEN, MAX_SPEAKER_LEN

    f = Filters.from_query_params({"q": ["经" * 150], "speaker": ["张" * 80]})
    assert (f.text, f.speaker) == ("经" * MAX_SEARCH_LEN, "张" * MAX_SPEAKER_LEN) == ("经" * 100, "张" * 50)
