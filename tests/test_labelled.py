"""Accuracy on documents labelled by hand: 16 the rules were tuned on (12 city reports of 2024, 4
Hailar reports) and two held-out sets of 8."""
import pytest

from metrics.evaluate import evaluate_gold

from conftest import DATA, GOLD


@pytest.fixture(scope="module", params=["labelled.jsonl", "heldout.jsonl", "heldout2.jsonl"])
def result(request):
    """labelled.jsonl: 16 documents the rules were tuned on; heldout.jsonl (session 15) and
    heldout2.jsonl (session 20): 8 documents each, labelled later by someone who never saw the
    extractor (first measured untouched; heldout2 at cf8966b: targets P/R 1.00/1.00 of 48,
    achievements 121/125, metadata 8/8 each)."""
    return evaluate_gold(GOLD / request.param, DATA)


def test_all_labelled_documents_scored(result):
    assert result["documents"] in (16, 8) and not result["errors"]


def test_never_a_wrong_year(result):
    assert result["wrong_years"] == []


def test_no_past_result_reported_as_target(result):
    assert result["past_results_reported_as_targets"] == []


@pytest.mark.parametrize("field", ["year", "level", "province", "city", "district", "title", "speaker"])
def test_metadata_accuracy(result, field):
    assert result["metadata_accuracy"][field]["accuracy"] >= 0.9


def test_target_scores(result):
    f = result["fields"]
    assert f["targets"]["precision"] >= 0.95
    assert f["targets"]["f1"] >= 0.9
    assert f["target_values"]["f1"] >= 0.9
    assert f["targets_canonical_whole_doc"]["recall"] >= 0.9


def test_declared_and_slogans(result):
    f = result["fields"]
    assert f["declared_counts"]["precision"] >= 0.8
    # session 20: counts of things listed inline ("…五篇大文章") are read; before, recall was 0.19–0.20
    assert f["declared_counts"]["recall"] >= 0.6
    assert f["slogan_counts"]["precision"] >= 0.9
    # session 22: a label counts against the dictionary or, for a document's own 提法, against
    # discovery (formulas, quoted phrases, positionings), each counted wherever the document writes
    # it. Scored so, the session's start had 0.87 / 0.76 / 0.75; dictionary counts alone, 0.83 / 0.34 / 0.39
    assert f["slogan_counts"]["recall"] >= 0.75


def test_a_third_blind_set_of_slogans_and_declared_counts():
    """tests/gold/heldout3.jsonl (session 22): 8 city reports labelled for local 提法 and declared
    counts by a helper who saw only the texts, after the positioning rule was written. At the
    draw: slogans 37 of 56 (session start's rules, scored the same way: 35; the dictionary alone:
    2); declared counts 7 of 10, precision 0.88. Two misses were then fixed (十件大事, items
    numbered (1)…(10) in one paragraph). 襄阳.txt holds the national report and has no labels."""
    r = evaluate_gold(GOLD / "heldout3.jsonl", DATA)
    assert r["documents"] == 8 and not r["errors"]
    f = r["fields"]
    assert f["slogan_counts"]["precision"] >= 0.9 and f["slogan_counts"]["recall"] >= 0.65
    assert f["declared_counts"]["precision"] >= 0.85 and f["declared_counts"]["recall"] >= 0.85


@pytest.mark.parametrize("gold", ["heldout4.jsonl", "heldout6.jsonl", "heldout8.jsonl"])
def test_blind_sets_of_targets_and_results(gold):
    """Three blind sets of numbers (sessions 23 and 24), each 12 city reports labelled for this
    year's targets, last year's results and metadata by two helpers who saw only the texts; plan
    figures outside the passage of main targets are not labelled.

    heldout4 (南通 … 眉山), at the draw (8de9fbe): targets P/R 0.972/1.000 of 70, results 209 of 226
    (214 once the labels' canonical ids were checked against the registry), metadata 12/12, and
    three past results of 日照 reported as targets. Fixed since: figures of 1900–2100 with a
    classifier, a decimal point written "5 . 5", 天 and 微克/立方米, sums that bound a name
    ("2000万元以上项目资金"), and a lone numbered review heading.

    heldout6, drawn at random (seed 23) from the 97 reports no set had labelled for targets, after
    heldout4's fixes: targets 81 of 82 (precision 1.00), results 300 of 305, metadata 12/12, and two
    "past results reported as targets" that were the scorer's (a plan's "增长7%左右" begins with the
    review's "增长7%": it now requires the same qualifier and the place). Fixed since: a level aimed
    at after a growth rate ("增长5.5%以上，力争突破6000亿元"), 微克每立方米.

    heldout8 (session 24), drawn at random (seed 24) from the 84 reports no set had labelled for
    targets: at the draw targets 73 of 84 (precision 0.92), results 1,423 of 1,568, metadata 12/12.
    Its labellers marked every result of the review (not a sample). Two label conventions were met
    in the scorer, not the rules: a 力争 value stored as the ``stretch`` of its target (临沂's five
    "增长5.5%、力争6%以上") may match a label of its own, and a label copied from 承德's hard-wrapped
    file ("增长6%左\n\n右") is found with white space left out; a unit's bracketed alternative
    ("套（间）") is the unit. Two CPI labels written as the index 103 were re-expressed as the
    registry's 3 % after the draw. So scored, the draw's rules give 83 of 84 and 1,475 results.
    Fixed in the rules since (results 1,475 → 1,535): units 头, 盏, 支, 门, 部, 场次, 批次,
    小时, 个月, 个工作日, GW/GWh/MW, 微克 (not where they open a name: 支流, 头部, 1小时经济圈);
    "1.4万余场"; a count before 项目 ("等20个项目建成"); bare numbers sharing the last one's unit
    ("分别压缩至55、50、24个工作日"); names in the clause before 分别 ("精简会议、文件、督查检查考核，分别减少
    7.7%、20.7%、17.4%"); 同口径增长 continues the indicator before. Left: 威海's 粮食综合生产能力
    (labelled grain_output; a capacity, read as other)."""
    r = evaluate_gold(GOLD / gold, DATA)
    assert r["documents"] == 12 and not r["errors"]
    f = r["fields"]
    assert f["targets"]["precision"] >= 0.97 and f["targets"]["recall"] >= 0.97
    assert f["achievements_recall"]["recall"] >= 0.95
    assert all(v["accuracy"] == 1.0 for v in r["metadata_accuracy"].values())
    assert r["wrong_years"] == [] and r["past_results_reported_as_targets"] == []


def test_a_seventh_blind_set_of_slogans_and_declared_counts():
    """tests/gold/heldout7.jsonl (session 23): 10 city reports drawn at random (seed 2311) from the
    95 no set had labelled for declared counts, by two helpers from the texts only. At the draw:
    declared counts 10 of 19 (precision 1.00), slogans 70 of 100 (precision 0.99). Most misses were
    items written as sentences of the declaration's own paragraph (呼和浩特's review: 全力打造
    “五个区域中心”。立足打造…。立足打造…), now read when as many sentences open alike; two such
    lists the first helper flagged as doubtful were added to its labels, as the second helper
    counted them. Also read since: 把握好五个方面, 十个方面的民生实事. The scorer matches a
    declaration at the label's place first (贵港's inline 六大产业集群 took the label before). Session
    24: a formula whose items open with their own names (呼和浩特's 六大产业集群: 绿色农畜产品加工产业集群
    迈上…), 19 of 21."""
    r = evaluate_gold(GOLD / "heldout7.jsonl", DATA)
    assert r["documents"] == 10 and not r["errors"]
    f = r["fields"]
    assert f["declared_counts"]["precision"] >= 0.95 and f["declared_counts"]["recall"] >= 0.85
    assert f["slogan_counts"]["precision"] >= 0.95 and f["slogan_counts"]["recall"] >= 0.7


def test_a_ninth_blind_set_of_slogans_and_declared_counts():
    """tests/gold/heldout9.jsonl (session 24): 10 city reports drawn at random (seed 2411) from the
    86 no set had labelled for 提法 or declared counts, by a helper from the texts only. At the draw:
    declared counts 9 of 11 (precision 0.90), slogans 89 of 122 (precision 0.98). Fixed since: a
    livelihood list numbered 1. 2. … in the paragraph after “十件民生实事”。; openings of four
    characters where two say too many (宜宾: 加快建成… ×4 among 加快推进…); of two counts in one
    sentence sharing a run, the nearer one (阳泉: 领会“五个必须”…，做到“五个更加”：一是…); a place's brand
    (美丽阳泉, 平安广元) and its 中国式现代化…新篇章; 3+1 is not inside 3+1+N. The misses left are
    local 提法 written without quotes or a positioning's verb (大蜀道, 产业立市, 数智新城), and 枣庄's
    高质量发展 inside the dictionary's longer 黄河流域生态保护和高质量发展 (the longest phrase at a
    place counts)."""
    r = evaluate_gold(GOLD / "heldout9.jsonl", DATA)
    assert r["documents"] == 10 and not r["errors"]
    f = r["fields"]
    assert f["declared_counts"]["precision"] >= 0.95 and f["declared_counts"]["recall"] >= 0.95
    assert f["slogan_counts"]["precision"] >= 0.95 and f["slogan_counts"]["recall"] >= 0.75


def test_a_fifth_blind_set_of_slogans_and_declared_counts():
    """tests/gold/heldout5.jsonl (session 23): the 5 city reports no set had labelled for local 提法
    and declared counts (南通, 吉林, 宣城, 日照, 黄山区), by a helper who saw only the texts. At the
    draw: slogans 33 of 50, precision 1.00; declared counts 3 of 4, precision 1.00. Fixed since:
    a quoted code of digits is a formula (宣城 “6543”计划), and a count just before a run of
    paragraphs that open with "——" declares them (吉林 聚焦七个要义 → ——聚焦… ×7). The misses left
    are positionings written without a verb of the rule file or fewer than three times (省域副中心,
    大黄山), and one-off slogans of 日照's truncated copy."""
    r = evaluate_gold(GOLD / "heldout5.jsonl", DATA)
    assert r["documents"] == 5 and not r["errors"]
    f = r["fields"]
    assert f["slogan_counts"]["precision"] >= 0.95 and f["slogan_counts"]["recall"] >= 0.66
    assert f["declared_counts"]["precision"] >= 0.95 and f["declared_counts"]["recall"] >= 0.95


def _misses(name):
    """Numbers of a blind sample (file, value offsets, kind, canonical) read otherwise by the rules."""
    import json
    from functools import cache

    from metrics.analyze import analyze
    from metrics.reader import read_document

    @cache
    def targets(rel):
        return {(t.value_start, t.value_end): t for t in analyze(read_document(DATA / rel).text, rel).targets}

    rows = [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines()]
    misses = []
    for g in rows:
        t = targets(g["file"]).get((g["value_start"], g["value_end"]))
        if t is None or (t.kind, t.canonical) != (g["kind"], g["canonical"]):
            misses.append((g["file"], g["number"], g["note"], t and (t.kind, t.canonical)))
    return rows, misses


def test_a_blind_random_sample_of_registry_numbers():
    """tests/gold/registry_sample.jsonl (session 17): 150 numbers drawn at random among those the
    rules file under a registry indicator, and 50 among the growth rates they file as 'other',
    labelled by a helper who saw only the texts. At the draw 196 of 200 agreed (kind 200/200;
    registry precision 147/150; 1 of the 50 'other' was a registry figure); the three fixes that
    followed (城镇/农村人均可支配收入, 拉动全市, "规上工业总产值、增加值" borrowing the head) left one,
    池州's 1-11月 figure (a part-year value); since session 19 a clause of only a part of the year
    ("1-11月，…", "前三季度，…") makes the rest of its sentence that part's figures: 200/200."""
    rows, misses = _misses("registry_sample.jsonl")
    assert len(rows) == 200 and misses == [], misses


def test_a_blind_sample_of_numbers_gets_kind_and_indicator_right():
    """tests/gold/numbers_sample.jsonl: 120 numbers of the sample corpus labelled blind (kind, and
    the registry indicator only when the number is the whole region's value of it): 60 whose kind
    and 30 whose indicator changed with the review/plan and bundled-name rules, and 30 registry
    numbers that did not change. Of the 90 changed ones the old rules had 0 right (kind and
    indicator), the new 90; of the 30 unchanged, 29 (对非贸易进出口 is now trade with one partner).
    The miss: 全部工业增加值, an alias of the industrial value-added indicator in indicators.csv,
    where the labeller wanted only 规上."""
    rows, misses = _misses("numbers_sample.jsonl")
    assert len(rows) == 120 and len(misses) <= 1, misses


def test_a_blind_random_sample_of_report_structures():
    """tests/gold/tasks_sample.jsonl (session 17): the outline of 20 city reports drawn at random,
    labelled by a helper who saw only the texts: top-level parts, the numbered sections under
    each, and every declared count ("重点做好以下九个方面工作") with the items that follow. Rules
    agree on every top-level count and every declaration (its n and what follows); the extra two
    are summaries ("聚焦工业、交通、水利等十大领域") left unchecked. Three section counts differ by
    convention: the labeller counted 镇江's 1./2. paragraphs as sections and not 一是 runs."""
    import json

    from metrics.analyze import analyze
    from metrics.reader import read_document

    rows = [json.loads(line) for line in (GOLD / "tasks_sample.jsonl").read_text(encoding="utf-8").splitlines()]
    top = parts = found = extra = 0
    for g in rows:
        t = analyze(read_document(DATA / g["file"]).text, g["file"]).tasks
        under = [sum(1 for x in t.outline if x.level == 2 and x.parent_idx == p.idx) for p in t.outline if p.level == 1]
        top += t.top_level_sections == g["top_level"]
        parts += under == g["parts"]
        ours = [(d.n, d.found) for d in t.declared if d.form == "follows"]  # the sample labels structures only
        for d in g["declared"]:
            if (d["n"], d["found"]) in ours:
                ours.remove((d["n"], d["found"]))
                found += 1
        extra += len(ours)
    assert len(rows) == 20 and top == 20 and parts >= 17
    assert found == sum(len(g["declared"]) for g in rows) == 20 and extra <= 2
