"""Outline and declared counts on real layouts: indented headings, flattened text, quoted formulas."""
from metrics.analyze import analyze
from metrics.reader import read_document
from metrics.tasks import build_outline, find_declared

from conftest import DATA


def declared(name):
    text = read_document(DATA / "city-reports-2024" / name).text
    return [(d.n, d.found, d.mismatch) for d in analyze(text).tasks.declared]


def test_headings_indented_with_en_spaces_are_found():
    # 池州: "\u2002\u2002\u2002\u2002（六）坚定不移…" — the run after 重点抓好八个方面工作 is complete
    assert (8, 8, False) in declared("池州.txt")


def test_report_with_all_line_breaks_lost():
    # 枣庄.txt is one 13,000-character line; headings follow a full stop or a dash instead
    assert declared("枣庄.txt") == [(8, 8, False)]


def test_quoted_formula_followed_by_another_list_claims_no_mismatch():
    text = "坚持“两个毫不动摇”,一是优化营商环境,二是扶持民营企业,三是保护产权,四是弘扬企业家精神。"
    outline = build_outline(text)
    assert [d for d in find_declared(text, outline) if d.mismatch] == []


def test_no_false_mismatch_in_the_sample_corpus():
    flagged = {}
    for path in sorted((DATA / "city-reports-2024").glob("*.txt")):
        for d in analyze(read_document(path).text).tasks.declared:
            if d.mismatch:
                flagged[path.name] = (d.phrase, d.n, d.found)
    # 马鞍山 declares 10 sections but the scraped text keeps only the markers (一)(二)
    assert set(flagged) <= {"马鞍山.txt"}, flagged


def test_headings_that_skip_numbers_still_count():
    # 马鞍山 2024 (data/city-reports-2024): the scraped text lost (三)(五)(六); seven headings remain
    heads = ["(一)坚定不移抓好生态文明建设,奋力书写美丽马鞍山新画卷", "(二)坚定不移扩大有效需求,奋力稳定经济增长",
             "(四)坚定不移塑造发展动能,奋力建设高水平创新型城市", "(七)坚定不移提升功能品质,奋力打造宜居韧性智慧城市",
             "(八)坚定不移推进乡村振兴,奋力加快农业农村现代化", "(九)坚定不移推动传承发展,奋力增强城市文化软实力",
             "(十)坚定不移保障改善民生,奋力提升群众幸福指数"]
    text = "今年重点做好10个方面工作:\n\n" + "".join(h + "\n\n正文。\n\n" for h in heads)
    outline = build_outline(text)
    assert [i.ordinal for i in outline] == [1, 2, 4, 7, 8, 9, 10]
    [d] = find_declared(text, outline)
    assert (d.n, d.found, d.mismatch) == (10, 7, True)
    # inline lists do not skip: "一是…三是" is not a run of two
    assert build_outline("要抓好两点。一是抓项目,三是抓招商。") == []


def test_a_list_inside_one_requirement_is_one_level_below_it():
    # seed 000 (怀柔区, data/seeds): "一要提高认识…要突出把握好“三个关系”:一是…三是…\n二要坚定有序"
    text = read_document(DATA / "seeds" / "000_c640d4500c71a10a.txt").text
    tasks = analyze(text).tasks
    nested = [(i.marker, tasks.outline[i.parent_idx].marker) for i in tasks.outline if i.level == 2]
    assert nested == [("一是", "一要"), ("二是", "一要"), ("三是", "一要")]
    # six 方面 (一是…六是) and three lists of requirements (4 + 7 + 4 一要…) stay at the top
    assert (tasks.top_level_sections, tasks.enumerated_items) == (6 + 4 + 7 + 4, 24)
    # the declared 三个关系 is still checked against its three items
    assert [(d.n, d.found) for d in tasks.declared] == [(6, 6), (3, 3)]


def test_a_list_after_the_last_requirement_nests_only_within_its_paragraph():
    inside = build_outline("一要统一思想。\n二要抓好落实:一是抓项目,二是抓招商。\n")
    assert [(i.marker, i.level) for i in inside] == [("一要", 1), ("二要", 1), ("一是", 2), ("二是", 2)]
    after = build_outline("一要统一思想。\n二要抓好落实。\n一是抓项目。\n二是抓招商。\n")
    assert {i.level for i in after} == {1}


def test_a_heading_glued_to_the_previous_paragraph_fills_its_gap():
    # 马鞍山 2024 (data/city-reports-2024): "…提升2.4个百分点。(三)坚持改革开放，内生发展…" on one line
    text = analyze(read_document(DATA / "city-reports-2024" / "马鞍山.txt").text).text
    review = [i.marker for i in build_outline(text) if i.level == 2][:6]
    assert review == ["(一)", "(二)", "(三)", "(四)", "(五)", "(六)"]
    # only a gap is filled: a "(三)" after a full stop with no (二) and (四) around is no heading
    assert [i.marker for i in build_outline("(一)统一思想\n要落实。(三)不是标题。\n(二)突出重点\n")] == ["(一)", "(二)"]
