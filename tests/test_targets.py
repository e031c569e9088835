"""Numeric targets on real sentence shapes: values, ranges, units, qualifiers, kinds, bundles."""
import pytest

from metrics.targets import extract_targets

REVIEW = "一、2023年工作回顾\n"
PLAN = "二、2024年主要目标\n"


def run(sentence, part=PLAN, year=2024):
    text = REVIEW + "去年经济平稳。\n" + PLAN + sentence if part is PLAN else REVIEW + sentence + "\n" + PLAN
    return [(t.indicator, t.canonical, t.low, t.high, t.unit, t.qualifier, t.direction, t.kind, t.stretch)
            for t in extract_targets(text, year=year)]


CASES = [
    ("力争生产总值(GDP)增长8.2%—8.5%。", [("生产总值(GDP)", "gdp_growth", 8.2, 8.5, "%", "exact", "growth", "target", None)]),
    ("地区生产总值增长7%以上,力争8%。", [("地区生产总值", "gdp_growth", 7, 7, "%", "at_least", "growth", "target", 8.0)]),
    ("城镇调查失业率控制在5.5%以内。", [("城镇调查失业率", "urban_unemployment_rate", 5.5, 5.5, "%", "at_most", "at_most", "target", None)]),
    ("居民消费价格涨幅3%左右。", [("居民消费价格涨幅", "cpi", 3, 3, "%", "about", "level", "target", None)]),
    ("城镇调查失业率下降0.5个百分点。", [("城镇调查失业率", "urban_unemployment_rate", 0.5, 0.5, "个百分点", "exact", "reduce", "target", None)]),
    ("单位地区生产总值能耗下降3%左右。", [("单位地区生产总值能耗", "energy_intensity_reduction", 3, 3, "%", "about", "reduce", "target", None)]),
    ("城镇新增就业25万人以上。", [("城镇新增就业", "new_urban_jobs", 25, 25, "万人", "at_least", "at_least", "target", None)]),
    ("规模以上工业增加值、固定资产投资分别增长8%和8.5%。", [
        ("规模以上工业增加值", "industrial_value_added_growth", 8, 8, "%", "exact", "growth", "target", None),
        ("固定资产投资", "fixed_asset_investment_growth", 8.5, 8.5, "%", "exact", "growth", "target", None)]),
    ("一般公共预算收入、税收收入均增长6%左右。", [
        ("一般公共预算收入", "public_budget_revenue_growth", 6, 6, "%", "about", "growth", "target", None),
        ("税收收入", "tax_revenue_growth", 6, 6, "%", "about", "growth", "target", None)]),
    ("一产、二产、三产分别增长4%、7%、6%左右。", [
        ("一产", "other", 4, 4, "%", "about", "growth", "target", None),
        ("二产", "other", 7, 7, "%", "about", "growth", "target", None),
        ("三产", "other", 6, 6, "%", "about", "growth", "target", None)]),
    ("城乡居民人均可支配收入分别增长6.5%和7%。", [
        ("城镇居民人均可支配收入", "urban_disposable_income_growth", 6.5, 6.5, "%", "exact", "growth", "target", None),
        ("农村居民人均可支配收入", "rural_disposable_income_growth", 7, 7, "%", "exact", "growth", "target", None)]),
    ("力争实现农民人均纯收入增长百分之八。", [("农民人均纯收入", "rural_disposable_income_growth", 8, 8, "%", "exact", "growth", "target", None)]),
    ("人口自然增长率控制在5‰以内。", [("人口自然增长率", "other", 5, 5, "‰", "at_most", "at_most", "target", None)]),
    ("新增造林一千二百公顷。", [("新增造林", "other", 1200, 1200, "公顷", "exact", "level", "target", None)]),
    ("在年内再新建3-4个城市社区和1-2个农村社区。", [
        ("新建城市社区", "other", 3, 4, "个", "exact", "level", "target", None),
        ("农村社区", "other", 1, 2, "个", "exact", "level", "target", None)]),
    ("到2025年,地区生产总值达到5000亿元。", [("地区生产总值", "other", 5000, 5000, "亿元", "exact", "level", "long_term_target", None)]),
    ("十四五期间,居民收入年均增长6%。", [("居民收入", "disposable_income_growth", 6, 6, "%", "exact", "growth", "long_term_target", None)]),
    ("地区生产总值比上年增长5.2%。", [("地区生产总值", "gdp_growth", 5.2, 5.2, "%", "exact", "growth", "achievement", None)]),
    ("单位国内生产总值能耗降低2.5%左右。", [("单位国内生产总值能耗", "energy_intensity_reduction", 2.5, 2.5, "%", "about", "reduce", "target", None)]),
    # 不超过 is a ceiling (not 超过), 不低于/不少于 a floor; the cue is not part of the indicator
    ("单户企业不超过500万元。", [("单户企业", "other", 500, 500, "万元", "at_most", "level", "target", None)]),
    ("耕地保有量不低于580万亩,新签约亿元以上项目不少于100个。", [
        ("耕地保有量", "other", 580, 580, "万亩", "at_least", "at_least", "target", None),
        ("新签约亿元以上项目", "other", 100, 100, "个", "at_least", "level", "target", None)]),
    # gross output is not value added (北海 2024); 农产品加工业总产值 is not industry's (铜陵, 益阳)
    ("力争规上工业总产值增长11%以上。", [("规上工业总产值", "industrial_output_growth", 11, 11, "%", "at_least", "growth", "target", None)]),
    ("规上农产品加工业总产值增长8.5%。", [("规上农产品加工业总产值", "other", 8.5, 8.5, "%", "exact", "growth", "target", None)]),
    # a share of tax in revenue is not tax revenue (哈尔滨 2024)
    ("税收占比提高到76.5%。", [("税收占比", "other", 76.5, 76.5, "%", "exact", "level", "target", None)]),
    # person-times: 万人次 was split into 万人 + 次 and lost (亳州 2024)
    ("接待游客3900万人次、增长10%。", [
        ("接待游客", "other", 3900, 3900, "万人次", "exact", "level", "target", None),
        ("接待游客", "other", 10, 10, "%", "exact", "growth", "target", None)]),
    # not numeric targets
    ("城乡居民收入增长与经济增长同步。", []),
    ("一般公共预算收入实现正增长。", []),
    ("一般公共预算收入增长x%,新增就业XX万人,完成***万元。", []),
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:14] for c in CASES])
def test_plan_sentences(sentence, expected):
    assert run(sentence) == [tuple(float(v) if isinstance(v, int) else v for v in e) for e in expected]


@pytest.mark.parametrize("sentence", ["城镇登记失业率控制在4.2%以内。", "地区生产总值增长5.2%。", "洋葱种植面积压缩了3800余亩。"])
def test_the_review_part_holds_achievements(sentence):
    kinds = {r[7] for r in run(sentence, part=REVIEW)}
    assert kinds == {"achievement"}


def test_same_value_as_result_and_target_keeps_two_sentences():
    text = REVIEW + "城镇登记失业率控制在4.2%以内。\n" + PLAN + "城镇登记失业率控制在4.2%以内。"
    rows = extract_targets(text, year=2024)
    assert [t.kind for t in rows] == ["achievement", "target"]
    assert rows[0].start != rows[1].start and all(text[t.start:t.end] == t.sentence for t in rows)


def test_chinese_numerals_with_markers():
    rows = extract_targets(REVIEW + "洋葱种植面积较去年压缩了三千八百余亩。\n", year=2013)
    assert [(t.low, t.unit, t.qualifier, t.direction, t.kind) for t in rows] == [(3800.0, "亩", "at_least", "reduce", "achievement")]


def test_growth_continues_the_quantity_just_measured():
    text = REVIEW + "地方财政总收入完成20.67亿元,同比增长28.8%。\n" + PLAN
    rows = extract_targets(text, year=2013)
    assert [(t.indicator, t.low, t.unit, t.direction, t.kind) for t in rows] == [
        ("地方财政总收入", 20.67, "亿元", "level", "achievement"), ("地方财政总收入", 28.8, "%", "growth", "achievement")]
    assert [text[t.value_start:t.value_end] for t in rows] == ["20.67亿元", "28.8%"]


def test_the_year_and_its_parts_after_a_topic():
    # 武汉 2024 (data/city-reports-2024): quarters are named and 'other', the whole year is GDP growth
    text = REVIEW + "经济增速逐季回升，一季度增长4.5%，上半年增长5%，前三季度增长5.5%，全年增长5.7%。\n" + PLAN
    rows = extract_targets(text, year=2024)
    assert [(t.indicator, t.canonical, t.low) for t in rows] == [
        ("经济增速（一季度）", "other", 4.5), ("经济增速（上半年）", "other", 5), ("经济增速（前三季度）", "other", 5.5),
        ("经济增速", "gdp_growth", 5.7)]


def test_the_year_after_its_parts_named_with_the_indicator():
    # 荆门 2024 (data/city-reports-2024): the quarters follow GDP; 全年累计 is the year's GDP growth
    text = REVIEW + "经济承压开局、逐月回升，GDP一季度累计增长4.7%、二季度累计增长6.3%、三季度累计增长6.6%，全年累计增长6.7%，增幅居全省第4位。\n" + PLAN
    rows = extract_targets(text, year=2024)
    assert [(t.indicator, t.canonical, t.low, t.kind) for t in rows] == [
        ("GDP（一季度累计）", "other", 4.7, "achievement"), ("GDP（二季度累计）", "other", 6.3, "achievement"),
        ("GDP（三季度累计）", "other", 6.6, "achievement"), ("GDP", "gdp_growth", 6.7, "achievement")]
    assert [text[t.value_start:t.value_end] for t in rows][-1] == "6.7%"


def test_a_pair_goes_on_in_the_next_clause_after_tongbi():
    # 海拉尔区 2019 (data/hailar-district-reports/2019.txt): the growth clause opens with 同比分别
    text = REVIEW + "城乡常住居民人均可支配收入分别完成37820元、28104元,同比分别增长6.5%、9.4%。\n" + PLAN
    rows = extract_targets(text, year=2019)
    assert [(t.canonical, t.low, t.unit) for t in rows if t.unit == "%"] == [
        ("urban_disposable_income_growth", 6.5, "%"), ("rural_disposable_income_growth", 9.4, "%")]


# Sentences of the 2024 city reports and the Hailar reports (data/) where an indicator's name is
# the base of a ratio, or a second value belongs to another thing: (sentence, expected
# (indicator, canonical, low) of every number).
NOT_THE_INDICATOR = [
    ("全社会研发经费占地区生产总值比重提升到0.56%。", [("全社会研发经费占地区生产总值比重", "other", 0.56)]),  # 遵义
    ("社会物流总费用与地区生产总值比率下降到16%左右。", [("社会物流总费用与地区生产总值比率下降到", "other", 16)]),  # 毕节
    ("单位地区生产总值二氧化碳排放下降5%。", [("单位地区生产总值二氧化碳排放", "other", 5)]),  # 铜仁
    ("全市R&D经费占GDP比重提高到1.88%左右。", [("R&D经费占GDP比重", "other", 1.88)]),  # 抚州
    ("单位GDP综合能耗下降8.7%。", [("单位GDP综合能耗", "energy_intensity_reduction", 8.7)]),  # 眉山
    ("全年实现新增就业5300人、再就业1500人。", [("新增就业", "new_urban_jobs", 5300), ("就业", "other", 1500)]),  # 海拉尔 2016
    ("全市城镇新增就业4.58万人、农村劳动力转移就业47.96万人。",
     [("城镇新增就业", "new_urban_jobs", 4.58), ("农村劳动力转移就业", "other", 47.96)]),  # 吉林
    ("全市进出口总额增长9%、实际利用外资增长10%。",
     [("进出口总额", "foreign_trade_growth", 9), ("实际利用外资", "other", 10)]),  # 荆州
    ("对GDP增长的贡献率达70%。", [("对GDP增长的贡献率", "other", 70)]),  # 防城港
    ("拉动GDP增长3个百分点。", [("拉动GDP", "other", 3)]),  # 恩施
    ("规上工业亩均税收增长8%。", [("规上工业亩均税收", "other", 8)]),  # 湖州: tax per mu, not tax revenue
    # a zone's figure is not the region's
    ("三江新区地区生产总值突破500亿元、增长16.2%。",
     [("三江新区地区生产总值", "other", 500), ("三江新区地区生产总值", "other", 16.2)]),  # 宜宾
    ("开发区规上工业增加值增长15.9%。", [("开发区规上工业增加值", "other", 15.9)]),  # 长治
    ("开发区规上工业增加值、固定资产投资均增长10%。",
     [("开发区规上工业增加值", "other", 10), ("开发区规上工业增加值、固定资产投资", "other", 10)]),
    # a second value of the same indicator is still joined to it
    ("地区生产总值4038.73亿元、同比增长(以下简称增长)8%。",
     [("地区生产总值", "other", 4038.73), ("地区生产总值", "gdp_growth", 8)]),  # 绵阳
    ("力争工业总产值达880亿元、奋斗突破900亿元。", [("工业总产值", "other", 880), ("工业总产值", "other", 900)]),  # 来宾
    # a zone named earlier in the sentence (新区, 开发区 …, not 园区 or 自贸区): the zone's figure
    ("聚焦“三区一高地”发展定位,把临江新区作为制造业发展“主战场”,用好用活支持政策,力争地区生产总值增长16%以上。",
     [("（新区）地区生产总值", "other", 16)]),  # 南充
    ("推进滁州联动创新区、国家级加工贸易承接地等建设,外贸进出口增长8%以上。",
     [("外贸进出口", "foreign_trade_growth", 8)]),  # 滁州: 创新区 is not a 新区
    ("雅安经开区成功创建省级外贸转型升级基地,预计全市进出口总额增长33%。",
     [("进出口总额", "foreign_trade_growth", 33)]),  # 雅安: 全市
    # trade with one partner is not the region's trade (对外贸易 is)
    ("对金砖国家进出口增长14.4%。", [("对金砖国家进出口", "other", 14.4)]),  # 厦门
    ("对非贸易进出口完成67.83亿元,增长126.7%。", [("对非贸易进出口", "other", 67.83), ("对非贸易进出口", "other", 126.7)]),  # 郴州
    ("对外贸易进出口总额增长5%。", [("进出口总额", "foreign_trade_growth", 5)]),
    # a margin over another figure is not the indicator's value
    ("地区生产总值增速高于省平1个百分点、7%左右。",
     [("地区生产总值增速高于省平", "other", 1), ("地区生产总值", "gdp_growth", 7)]),  # 德阳
    ("力争海洋生产总值增速高于GDP增速1个百分点。", [("海洋生产总值增速高于GDP增速", "other", 1)]),  # 温州
    ("农村居民人均可支配收入增速高于城镇居民1个百分点。",
     [("农村居民人均可支配收入增速高于城镇居民", "other", 1)]),  # 杭州
    # bundled names: the k-th name goes with the k-th value
    ("城镇、农村常住居民人均可支配收入分别增长6%、8.5%。",
     [("城镇常住居民人均可支配收入", "urban_disposable_income_growth", 6),
      ("农村常住居民人均可支配收入", "rural_disposable_income_growth", 8.5)]),  # 亳州
    ("城镇居民、农村居民人均可支配收入分别增长4.1%、6.8%。",
     [("城镇居民人均可支配收入", "urban_disposable_income_growth", 4.1),
      ("农村居民人均可支配收入", "rural_disposable_income_growth", 6.8)]),  # 钦州
    ("规上固定资产投资、工业投资分别增长13%以上和15%以上。",
     [("规上固定资产投资", "fixed_asset_investment_growth", 13), ("工业投资", "other", 15)]),  # 淮安
    ("外商直接投资、货物进出口总额分别增长121.4%、23.2%。",
     [("外商直接投资", "other", 121.4), ("货物进出口总额", "foreign_trade_growth", 23.2)]),  # 广元
    ("对欧盟、RCEP其他成员国和东盟国家进出口总额分别增长38.7%、20.9%、18.2%。",
     [("对欧盟", "other", 38.7), ("RCEP其他成员国", "other", 20.9), ("东盟国家进出口总额", "other", 18.2)]),  # 贵港
    ("蔬菜、肉蛋奶、水产品产量分别达到678万吨、111万吨、103万吨。",
     [("蔬菜", "other", 678), ("肉蛋奶", "other", 111), ("水产品产量", "other", 103)]),  # 青岛
    ("城乡居民人均可支配收入增长4.7%和7.3%。",
     [("城镇居民人均可支配收入", "urban_disposable_income_growth", 4.7),
      ("农村居民人均可支配收入", "rural_disposable_income_growth", 7.3)]),  # 达州
    ("地区生产总值确保增长6.5%、力争7%以上。", [("地区生产总值", "gdp_growth", 6.5)]),  # 攀枝花: 7 is the 力争 value
    # a part of the indicator is not the indicator: a trade channel or partner group, an
    # industry's tax, non-tax revenue, the marine economy, a quarter, exports alone
    ("跨境电商进出口增长75.2%、总额超3000亿元。", [("跨境电商进出口", "other", 75.2), ("总额", "other", 3000)]),  # 深圳
    ("服务贸易进出口增长20.0%。", [("服务贸易进出口", "other", 20.0)]),  # 深圳
    ("民营企业进出口增长17.3%。", [("民营企业进出口", "other", 17.3)]),  # 苏州
    ("对共建“一带一路”国家进出口增长9.3%。", [("对共建“一带一路”国家进出口", "other", 9.3)]),  # 深圳
    ("工业税收增长18%。", [("工业税收", "other", 18)]),  # 南宁
    ("非税收入占比下降2.3个百分点。", [("非税收入占比", "other", 2.3)]),  # 铜仁
    ("“四上”企业应税收入增长17.3%。", [("“四上”企业应税收入", "other", 17.3)]),  # 芜湖
    ("全市海洋生产总值约880亿元、增长9%。", [("海洋生产总值", "other", 880), ("海洋生产总值", "other", 9)]),  # 钦州
    ("非煤工业增加值增长3.9%。", [("非煤工业增加值", "other", 3.9)]),  # 阳泉
    ("GDP一季度累计增长4.7%。", [("GDP（一季度累计）", "other", 4.7)]),  # 荆门
    ("力争外贸出口增长10%。", [("外贸出口", "other", 10)]),  # 随州
    ("新增就业大学生1万人。", [("新增就业大学生", "other", 1)]),  # 蚌埠
    # …and the whole still is
    ("全口径税收增长10.4%。", [("税收", "tax_revenue_growth", 10.4)]),  # 永州
    ("规模工业增加值增长7.5%。", [("工业增加值", "industrial_value_added_growth", 7.5)]),  # 岳阳
    ("规上工业总产值、增加值分别增长15%、12%。",
     [("规上工业总产值", "industrial_output_growth", 15), ("规上工业增加值", "industrial_value_added_growth", 12)]),  # 梧州
    ("新能源电池制造业拉动全市规上工业增加值增长10个百分点。",
     [("新能源电池制造业拉动全市规上工业增加值", "other", 10)]),  # 南宁: a contribution, not the growth
    # container throughput in TEU (标准箱/标箱) is a quantity of its own
    ("集装箱吞吐量达到2218万标准箱、增长5.5%。",
     [("集装箱吞吐量", "other", 2218), ("集装箱吞吐量", "other", 5.5)]),  # 天津
    ("港口货物、集装箱吞吐量分别突破7亿吨、3000万标箱。",
     [("港口货物", "other", 7), ("集装箱吞吐量", "other", 3000)]),  # 青岛
]


@pytest.mark.parametrize("sentence,expected", NOT_THE_INDICATOR, ids=[c[0][:12] for c in NOT_THE_INDICATOR])
def test_ratio_bases_and_other_things_are_not_the_indicator(sentence, expected):
    assert [(t[0], t[1], t[2]) for t in run(sentence)] == expected


def test_a_stretch_value_in_the_same_clause_is_the_targets_stretch():
    rows = extract_targets(PLAN + "地区生产总值确保增长6.5%、力争7%以上,固定资产投资确保增长6%、力争6.5%。\n", year=2024)
    assert [(t.canonical, t.low, t.stretch) for t in rows] == [
        ("gdp_growth", 6.5, 7.0), ("fixed_asset_investment_growth", 6.0, 6.5)]


# Which part of a work report a number is in, from real report layouts (data/city-reports-2024/):
# (text, [(value, kind)] for the numbers checked).
PARTS = [
    # 绍兴: "一、2023年主要工作" reviews 2023 although "主要工作" is a plan word
    ("各位代表:\n\n一、2023年主要工作\n\n全年实现地区生产总值7791亿元,增长7.8%、居全省第2位。\n\n"
     "二、2024年主要目标和重点工作\n\n经济社会发展的主要预期目标是:地区生产总值增长6.5%以上。\n",
     [(7791, "achievement"), (7.8, "achievement"), (6.5, "target")]),
    # 成都: an unnumbered "2023年工作回顾" part whose own sections read like plans
    ("各位代表:\n\n2023年工作回顾\n\n一年来,主要开展了以下工作。\n\n(一)坚持科技引领、创新驱动,现代化产业体系加快构建\n\n"
     "规模以上工业增加值增长4.1%。\n\n2024年工作安排建议\n\n今年全市经济社会发展的主要预期目标是:地区生产总值增长6%左右。\n\n"
     "(一)坚定不移推动经济稳中有进,加快实现质的有效提升和量的合理增长\n\n攻坚实施重点片区项目集群、完成投资1400亿元以上。\n",
     [(4.1, "achievement"), (6, "target"), (1400, "target")]),
    # 马鞍山: no review heading; the review's sections come before the plan's 总体要求
    ("政府工作报告\n——2024年1月13日在马鞍山市第十七届人民代表大会第四次会议上\n\n各位代表:\n\n"
     "(一)坚持稳中求进,经济运行“基本盘”更牢固。城镇新增就业4.3万人、登记失业率2.4%。\n\n"
     "做好今年政府工作的总体要求是:坚持以习近平新时代中国特色社会主义思想为指导。\n\n"
     "(二)坚定不移扩大有效需求,奋力稳定经济增长\n\n习惯过紧日子,一般性支出下降5%。\n",
     [(4.3, "achievement"), (2.4, "achievement"), (5, "target")]),
]


@pytest.mark.parametrize("text,expected", PARTS, ids=["绍兴", "成都", "马鞍山"])
def test_review_and_plan_parts_of_a_work_report(text, expected):
    got = {t.low: t.kind for t in extract_targets(text, year=2024)}
    assert [(v, got.get(v)) for v, _ in expected] == expected


@pytest.mark.parametrize("sentence,expected", [
    ("银行贷款余额突破万亿元", [(1.0, "万亿元", "at_least")]),  # 湖州: 万亿 is one 万亿, not 0
    ("固定资产投资近万亿元、增长11.0%", [(1.0, "万亿元", "about"), (11.0, "%", "exact")]),  # 深圳
    # in the unit the figure takes when written in digits (扬州 进出口总额超千亿元: 1000亿元, not 1e11 元)
    ("进出口总额超千亿元", [(1000.0, "亿元", "at_least")]),
    ("村集体收入超百万元", [(100.0, "万元", "at_least")]),
    ("华润雪花、三元乳业等重点企业均达到污水处理标准", []),  # 海拉尔 2016: a company's name
    ("长江零公里地标广场等成为新的城市旅游打卡地", []),  # 宜宾: 零公里 is a name
])
def test_chinese_numerals_that_are_not_amounts(sentence, expected):
    from metrics.quantities import find_quantities
    assert [(q.low, q.unit, q.qualifier) for q in find_quantities(sentence)] == expected


@pytest.mark.parametrize("sentence,expected", [
    # a cue right before the number bounds it, and is not part of the indicator's name
    ("力争进出口总额超130亿元。", ("进出口总额", 130.0, "at_least")),  # 南充
    ("确保农村生活污水治理率超90%。", ("农村生活污水治理率", 90.0, "at_least")),  # 中山
    ("直接拉动消费逾20亿元。", ("直接拉动消费", 20.0, "at_least")),  # 凉山
    ("引进具有行业领先水准的研发平台至少1个。", ("引进具有行业领先水准的研发平台", 1.0, "at_least")),  # 亳州
    ("实现城市生活垃圾回收利用率高于35%。", ("城市生活垃圾回收利用率", 35.0, "at_least")),  # 中山
    ("城镇登记失业率不足3%。", ("城镇登记失业率", 3.0, "at_most")),
    ("耕地保有量不低于3.2万亩。", ("耕地保有量", 3.2, "at_least")),
    ("单位地区生产总值能耗下降不超过2%。", (None, 2.0, "at_most")),
    ("新增城镇就业6万人以上。", ("新增城镇就业", 6.0, "at_least")),
    ("新增城镇就业6万人。", ("新增城镇就业", 6.0, "exact")),
], ids=["超", "率超", "逾", "至少", "高于", "不足", "不低于", "不超过", "以上", "确数"])
def test_a_bound_written_before_the_number_is_the_qualifier(sentence, expected):
    [t] = run(sentence)
    name, low, qualifier = expected
    assert (t[2], t[5]) == (low, qualifier)
    if name is not None:
        assert t[0] == name


@pytest.mark.parametrize("sentence,expected", [
    ("1-11月，规模以上工业增加值增长14.1%、连续8个月全省第一；战略性新兴产业产值增长20.2%。",  # 池州
     [("规模以上工业增加值（1-11月）", "other", 14.1), ("战略性新兴产业产值（1-11月）", "other", 20.2)]),
    ("前三季度，全市实现地区生产总值1995.5亿元、增长5.3%，总量稳居全省第6位。",  # 泸州: the level too
     [("地区生产总值（前三季度）", "other", 1995.5), ("地区生产总值（前三季度）", "other", 5.3)]),
    ("前三季度，GDP增长6.5%，连续9个季度高于全省。", [("GDP（前三季度）", "other", 6.5)]),  # 黄冈
    ("2023年1-12月，规模以上工业增加值增长7%。", [("规模以上工业增加值", "industrial_value_added_growth", 7.0)]),
    ("全年地区生产总值增长6%，1-11月规上工业增加值增长8%。", [("地区生产总值", "gdp_growth", 6.0)]),
], ids=["1-11月", "前三季度的总量", "前三季度", "1-12月是全年", "句中"])
def test_a_part_of_the_year_opening_a_sentence_makes_its_figures_that_parts(sentence, expected):
    got = [(t[0], t[1], t[2]) for t in run(sentence, part=REVIEW)]
    assert got[:len(expected)] == expected


@pytest.mark.parametrize("sentence,expected", [
    ("空气质量综合指数在全国168个城市排第15。", []),  # 中山: the group ranked in
    ("消费者满意度在全国100个大中城市中排第15位、27个省会城市中排第3位。", []),  # 南宁
    ("城市公共服务质量位居全国120个监测城市第19位。", []),  # 芜湖
    ("10项居前3位。", []),  # 亳州: a rank
    ("全球创新指数排名提升5位至第24位。", [("全球创新指数排名", 5.0, "位")]),  # 成都: was named 至第
    ("12个村成功列入第六批中国传统村落名录。", [("村成功列入第六批中国传统村落", 12.0, "个")]),  # 阿坝: a count
    ("3个片区入选第二批乡村振兴齐鲁样板省级示范区。", [("片区入选第二批乡村振兴齐鲁样", 3.0, "个")]),  # 东营
], ids=["排第", "中排第", "第19位", "居前", "排名提升", "列入第六批", "入选第二批"])
def test_ranks_and_the_groups_they_are_taken_in_are_not_figures(sentence, expected):
    assert [(t[0], t[2], t[4]) for t in run(sentence, part=REVIEW)] == expected


@pytest.mark.parametrize("sentence,expected", [
    ("地区生产总值由2010年的162.4亿元增加到2015年的287.9亿元，年均增长12.1%。",  # 海拉尔区 2016
     [("地区生产总值（2010年）", 162.4), ("地区生产总值", 287.9), ("地区生产总值（年均）", 12.1)]),
    ("森林覆盖率由2010年的21.6%提高到25.2%。", [("森林覆盖率（2010年）", 21.6), ("森林覆盖率", 25.2)]),
    ("易涝点由488个减至277个。", [("易涝点", 488.0), ("易涝点", 277.0)]),  # 广州: the first was 减至
    ("自由贸易试验区新增注册资本120亿元。", [("自由贸易试验区新增注册资本", 120.0)]),  # 由 of 自由 is not "from"
], ids=["由…年的…增加到", "提高到", "由…个减至", "自由"])
def test_a_change_from_one_value_to_another_is_named_by_its_subject(sentence, expected):
    """Names were cut from the middle of the phrase ("10年的162.4亿元增加到2015年的"), and 年均增长 was "年".
    The starting point is named with its year (QA pass 8: 162.4 was charted as 2015's result)."""
    assert [(t[0], t[2]) for t in run(sentence, part=REVIEW)] == expected


@pytest.mark.parametrize("sentence,expected", [
    ("全年签约项目1753个、到位资金1254亿元，分别增长77.8%、17.7%。",  # 临沂: the first growth was lost
     [("签约项目", "other", 1753.0), ("到位资金", "other", 1254.0), ("签约项目", "other", 77.8), ("到位资金", "other", 17.7)]),
    ("城镇、农村居民人均可支配收入分别达43900元、20300元，分别增长7%、9%。",  # 滁州: 9 % was read as urban
     [("城镇居民人均可支配收入", "other", 43900.0), ("农村居民人均可支配收入", "other", 20300.0),
      ("城镇居民人均可支配收入", "urban_disposable_income_growth", 7.0),
      ("农村居民人均可支配收入", "rural_disposable_income_growth", 9.0)]),
    ("接待游客3558.2万人次，旅游收入292.7亿元，分别是2019年的113.7%和118.6%。",  # 亳州: two clauses name them
     [("接待游客", "other", 3558.2), ("旅游收入", "other", 292.7), ("接待游客", "other", 113.7), ("旅游收入", "other", 118.6)]),
], ids=["临沂", "滁州", "亳州"])
def test_values_given_respectively_after_the_figures_they_belong_to(sentence, expected):
    """"X1 v1、X2 v2，分别增长 g1、g2": the k-th value is the k-th figure's, named and filed as it."""
    assert [(t[0], t[1], t[2]) for t in run(sentence, part=REVIEW)] == expected


def test_values_given_respectively_after_a_clause_without_figures_are_not_the_earlier_ones():
    """菏泽: the names of 64家 and 6家 stand in the clause just before, which has no figure."""
    got = run("新建5G基站2868座、总数突破1万座，省数字经济“晨星工厂”、省级数字经济园区，分别达到64家和6家。", part=REVIEW)
    assert [t[0] for t in got[:2]] == ["新建5G基站", "总数"]
    assert not {t[0] for t in got[2:]} & {"新建5G基站", "总数"}


def test_a_number_split_by_a_line_break_is_read_whole():
    """承德's report (data/city-reports-2024) was extracted from a PDF with its line ends kept:
    "增长6%左⏎⏎右", "4.3⏎⏎万人"."""
    from metrics.analyze import analyze
    from metrics.normalize import fold, rejoin_wraps

    text = ("各位代表：\n\n二、2024年工作安排\n\n主要预期目标是：地区生产总值增长6%左\n\n右，一般公共预算收入增长5%，"
            "城镇新增就业4.3\n\n万人。")
    assert len(rejoin_wraps(fold(text))) == len(text)
    got = {t.canonical: (t.low, t.unit, t.qualifier) for t in analyze(text, "承德.txt").targets}
    assert got["gdp_growth"] == (6.0, "%", "about") and got["new_urban_jobs"] == (4.3, "万人", "exact")


@pytest.mark.parametrize("sentence,part,kind", [
    ("地区生产总值由2010年的162.4亿元增加到2015年的287.9亿元，年均增长12.1%。", "review", "achievement"),  # 海拉尔区 2016
    ("新材料产业近三年产值年均增长15.9%。", "review", "achievement"),  # 东营
    ("能耗强度“十四五”已累计下降12.4%。", "plan", "achievement"),  # 长治: 已
    ("到2027年，地区生产总值年均增长6%。", "plan", "long_term_target"),
    ("臭氧年均浓度下降5%。", "plan", "target"),  # an annual mean, not years (深圳 wrote it of 2023)
    ("支持创办共富公司，三年建设共富村庄1000个。", "plan", "long_term_target"),  # heldout6 (潍坊)
    ("三年完成投资70亿元以上。", "plan", "long_term_target"),  # 舟山
], ids=["由2010到2015", "近三年", "已累计", "到2027年", "年均浓度", "三年建设", "三年完成"])
def test_a_multi_year_figure_is_a_long_term_target_only_when_it_looks_ahead(sentence, part, kind):
    """QA pass 6: every registry long_term_target of the sample corpus was a past result."""
    assert {t[7] for t in run(sentence, part=REVIEW if part == "review" else PLAN)} == {kind}


@pytest.mark.parametrize("sentence", [
    "力争定远、凤阳、明光三地经济增速高于全市平均水平，规上工业增加值增长10%以上。",  # 滁州: three counties'
    "着力推动市工业园区能级跃升，推进园区重大项目开竣工，规上工业增加值增长9%以上。",  # 来宾: the parks'
    "力争全年服务进出口总额同比增长20%以上。",  # 三亚: trade in services, not goods
    "综合交通固定资产投资完成117.08亿元、增长41.1%。",  # 贺州: one sector's investment (QA pass 7)
    "民营规上工业增加值同比增长18.8%。",  # 呼和浩特: private firms only
    "低收入农户人均可支配收入增长14%。",  # 温州: one group's income
    "社会消费品零售总额对全区增长贡献率达58.7%。",  # 南宁: a contribution, not growth
    # QA pass 8
    "全年中欧班列开行400列、货值增长20%以上，港务区进出口额增长30%以上。",  # 徐州: one zone's trade
    "三大综保区进出口总额增长12.5%。",  # 武汉: bonded zones
    "与“一带一路”沿线国家和地区进出口增长20%。",  # 铜陵: a group of partners
    "50家外贸龙头企业整体增长20%。",  # 德阳: fifty firms
    "但跨境电商、服务贸易和生产型外贸企业进出口均增长10%以上。",  # 长沙: kinds of trade and firms
    "山区5县生产总值增长7.6%。",  # 温州: five counties
    "巩固拓展脱贫攻坚成果，移民人均可支配收入增长8.5%左右。",  # 银川: resettled migrants' income
], ids=["三地", "工业园区", "服务进出口", "综合交通", "民营", "低收入农户", "贡献率",
        "港务区", "综保区", "沿线国家和地区", "龙头企业", "外贸企业", "山区5县", "移民"])
def test_a_part_of_the_region_or_of_its_trade_is_not_the_registry_indicator(sentence):
    """QA pass 6: each was filed as the city's indicator next to the real one."""
    assert {t[1] for t in run(sentence)} == {"other"}


@pytest.mark.parametrize("sentence,expected", [
    ("全员劳动生产率17万元/人左右。", (17.0, "万元/人", "about")),  # 池州
    ("用热均价下调至260元/吨左右。", (260.0, "元/吨", "about")),  # 宜春
    ("低保标准不低于1.4万元/年。", (1.4, "万元/年", "at_least")),  # 绍兴
    ("有效降低大客户用气成本1.5元／立方米。", (1.5, "元/立方米", "exact")),  # 河池: full-width slash
    ("全市城乡低保标准提高到每人每月1134元。", (1134.0, "元/月", "exact")),  # 绍兴: per month before it (QA pass 7)
    ("最低工资标准提高到每月2000元左右。", (2000.0, "元/月", "about")),
], ids=["万元/人", "元/吨", "万元/年", "元／立方米", "每人每月", "每月"])
def test_a_unit_given_per_something_keeps_it_and_its_qualifier(sentence, expected):
    """QA pass 6: "17万元/人左右" was 17 万元, exact."""
    assert [(t[2], t[4], t[5]) for t in run(sentence)] == [expected]


@pytest.mark.parametrize("sentence,expected", [
    ("新能源汽车、智能家电和音像器材销售额分别增长58.5%、37.7%。",  # 柳州: two names, one with 和
     [("新能源汽车", 58.5, "%"), ("智能家电和音像器材销售额", 37.7, "%")]),
    ("全员劳动生产率、净资产收益率分别提高29个、6个百分点。",  # 池州: 29个 is short for 29个百分点
     [("全员劳动生产率", 29.0, "个百分点"), ("净资产收益率", 6.0, "个百分点")]),
    ("城乡居民人均可支配收入增速分别低于目标2.4个、0.4个百分点。",  # 遂宁: margins, not growth
     [("城镇居民人均可支配收入", 2.4, "个百分点"), ("农村居民人均可支配收入", 0.4, "个百分点")]),
    ("城乡低保标准分别提高到每人每月1045元、814元。",  # 济南: urban, then rural (QA pass 7)
     [("城镇低保标准", 1045.0, "元/月"), ("农村低保标准", 814.0, "元/月")]),
], ids=["和 inside a name", "29个、6个百分点", "低于目标", "城乡…分别"])
def test_respective_values_pair_with_their_names_and_units(sentence, expected):
    got = run(sentence)
    assert [(t[0], t[2], t[4]) for t in got] == expected
    assert "低于" not in sentence or {t[1] for t in got} == {"other"}


@pytest.mark.parametrize("sentence,expected", [
    ("固定资产投资增长-3.8%。", ("fixed_asset_investment_growth", -3.8)),  # 黔西南: was +3.8
    ("一般公共预算收入增长－1.2%。", ("public_budget_revenue_growth", -1.2)),
    ("固定资产投资负增长4.1%。", ("fixed_asset_investment_growth", -4.1)),
    ("地区生产总值增长8.2%-8.5%。", ("gdp_growth", 8.2)),  # a range's dash is not a sign
], ids=["增长-", "增长－", "负增长", "range"])
def test_a_fall_written_as_growth_is_negative(sentence, expected):
    """QA pass 7: "增长-3.8%" and "负增长4.1%" were stored as positive growth."""
    assert [(t[1], t[2]) for t in run(sentence, part=REVIEW)] == [expected]


def test_a_multi_year_result_is_not_the_years_registry_figure():
    """QA pass 7: 海拉尔区 2016's "年均增长12.1%" (2011–2015) showed as 2015's GDP growth in 目标与完成."""
    got = run("地区生产总值由2010年的162.4亿元增加到2015年的287.9亿元，年均增长12.1%。", part=REVIEW)
    assert [(t[0], t[1], t[7]) for t in got if t[2] == 12.1] == [("地区生产总值（年均）", "other", "achievement")]


@pytest.mark.parametrize("sentence,names", [
    ("国控、省控断面水质优良率分别为93.8%、95.5%。", ["国控断面水质优良率", "省控断面水质优良率"]),  # 荆门
    ("一产、二产、三产增加值分别增长4%、7.5%、6.2%左右。", ["一产增加值", "二产增加值", "三产增加值"]),  # 毕节
    ("公路、铁路货运量分别增长13.1%、9.7%。", ["公路货运量", "铁路货运量"]),  # 攀枝花
    ("新建、已建居住区养老服务设施配建率分别达100%、90%以上。",  # 黔南
     ["新建居住区养老服务设施配建率", "已建居住区养老服务设施配建率"]),
    ("税收、一般公共预算收入分别增长5%、6%。", ["税收", "一般公共预算收入"]),  # two things, not 税收公共预算收入
])
def test_parallel_modifiers_before_fenbie_share_the_noun(sentence, names):
    """QA pass 7: "国控、省控断面水质优良率分别为93.8%、95.5%" named the first value "国控"."""
    assert [t[0] for t in run(sentence, part=REVIEW)] == names


@pytest.mark.parametrize("sentence,name", [
    ("助推“个转企”(3)1400余户。", "助推“个转企”"),  # 乐山: a footnote number
    ("(1)新建健身步道40公里。", "新建健身步道"),  # 黔南: a numbered item of 民生实事
])
def test_a_bracketed_figure_is_no_part_of_the_name(sentence, name):
    """QA pass 8: names showed the masked note as "(#)" (助推“个转企”(#))."""
    assert [t[0] for t in run(sentence)] == [name]


def test_a_five_year_sum_is_not_the_years_figure():
    """QA pass 8 (海拉尔区 2016): "五年新增就业3.25万人" was charted as 2015's 城镇新增就业."""
    got = run("五年新增就业3.25万人，全年实现新增就业5650人。", part=REVIEW)
    assert [(t[0], t[1], t[2]) for t in got] == [("新增就业（五年）", "other", 3.25), ("新增就业", "new_urban_jobs", 5650.0)]


@pytest.mark.parametrize("sentence,part,expected", [
    ("粮食播种面积稳定在427万亩以上、总产量29亿斤以上。", PLAN, ("粮食总产量", "grain_output", 29.0)),  # 承德 (QA pass 9)
    ("粮食播种面积858万亩、产量319.4万吨、出栏生猪618.2万头。", REVIEW, ("粮食产量", "grain_output", 319.4)),  # 南充
    ("规模以上工业总产值达到4.43万亿元，增加值增长3.6%。", REVIEW, ("规模以上工业增加值", "industrial_value_added_growth", 3.6)),  # 苏州
])
def test_a_bare_head_noun_takes_its_subject_from_the_sentence(sentence, part, expected):
    assert expected in [t[:3] for t in run(sentence, part=part)]


@pytest.mark.parametrize("sentence,part,absent", [
    ("实现进出口1452亿元，出口增长12.3%。", REVIEW, "foreign_trade_growth"),  # 盐城: 出口 is not 进 + 出口
    ("工业增加值占地区生产总值的41.4%。", REVIEW, "industrial_value_added_growth"),  # 北海: a share
    ("粮食播种面积68.7万亩、产量26.1万吨，分别超省定任务0.7万亩、0.1万吨。", REVIEW, 0.1),  # 攀枝花: a margin
])
def test_a_head_noun_is_not_given_a_subject_it_does_not_have(sentence, part, absent):
    got = run(sentence, part=part)
    if isinstance(absent, str):
        assert absent not in {t[1] for t in got}
    else:
        assert all(t[1] != "grain_output" for t in got if t[2] == absent)


@pytest.mark.parametrize("sentence,expected", [
    # QA pass 9 (枣庄): the count names its own thing, not the previous clause's
    ("打通15条城区断头路，完成18处主干道路交叉口快速化改造。", [("城区断头路", 15.0), ("完成主干道路交叉口快速化改造", 18.0)]),
    ("确保5.37万名监测对象不出现返贫致贫。", [("监测对象不出现返贫致贫", 5.37)]),  # 承德: was cut at 10 characters
    ("地方财政总收入完成20.67亿元，同比增长28.8%。", [("地方财政总收入", 20.67), ("地方财政总收入", 28.8)]),
])
def test_a_count_is_named_by_what_follows_it_in_full(sentence, expected):
    assert [(t[0], t[2]) for t in run(sentence)] == expected


@pytest.mark.parametrize("name, kind, qualifier", [
    # QA pass 10: "居民消费价格指数控制在103左右" (成都, 泸州) is a 3 % rise; 资阳 writes last year's
    # result "预计…居民消费价格指数控制在103以内"
    ("成都.txt", "target", "about"),
    ("泸州.txt", "target", "about"),
    ("资阳.txt", "achievement", "at_most"),
])
def test_the_price_index_written_as_an_index_is_the_rise_it_means(name, kind, qualifier):
    from metrics.analyze import analyze
    from metrics.reader import read_document

    from conftest import DATA

    a = analyze(read_document(DATA / "city-reports-2024" / name).text, name)
    cpi = [t for t in a.targets if t.canonical == "cpi" and t.kind == kind]
    assert [(t.low, t.unit, t.qualifier) for t in cpi] == [(3.0, "%", qualifier)]
    assert a.text[cpi[0].value_start:cpi[0].value_end].startswith("103")


@pytest.mark.parametrize("sentence", ["居民消费价格指数为99.6。", "CPI控制在120以内。", "物价指数103。"])
def test_not_a_price_index_rise(sentence):
    assert not any(t.canonical == "cpi" and t.unit == "%" and t.low > 0 for t in run(sentence))


@pytest.mark.parametrize("sentence, expected", [
    # QA pass 8 (枣庄), also 泰安 and 钦州: a respective list without 分别
    ("确保粮食播种面积和产量稳定在426万亩、183万吨以上。", [("粮食播种面积", "other", 426.0, "万亩"), ("粮食产量", "grain_output", 183.0, "万吨")]),
    ("确保粮食面积、产量稳定在284.5万亩、18.98亿斤以上。", [("粮食面积", "other", 284.5, "万亩"), ("粮食产量", "grain_output", 18.98, "亿斤")]),
])
def test_a_respective_list_without_fenbie(sentence, expected):
    got = run(sentence)
    assert [(t[0], t[1], t[2], t[4]) for t in got] == expected
    assert all(t[5] == "at_least" and t[7] == "target" for t in got)


@pytest.mark.parametrize("sentence, names", [
    ("三次产业增加值分别增长3%、7%、7%。", ["第一产业增加值", "第二产业增加值", "第三产业增加值"]),  # 巴中
    ("三次产业分别增长5%、9%、6%。", ["第一产业", "第二产业", "第三产业"]),  # 梧州 (was "三次产业分别增长5%、")
    ("一、二、三产业增加值分别增长4.9%、8.3%、4.4%。", ["第一产业增加值", "第二产业增加值", "第三产业增加值"]),  # 百色 (was 一 / 二)
    ("一二三产分别增长4.5%、3.2%、3.3%。", ["第一产业", "第二产业", "第三产业"]),  # 铜仁
])
def test_the_three_sectors_are_named_one_by_one(sentence, names):
    assert [t[0] for t in run(sentence)] == names


@pytest.mark.parametrize("sentence,expected", [
    # heldout4 (blind, session 23): every figure of 1900–2100 with a classifier was dropped as a
    # year when nothing followed it ("国家高新技术企业突破2000家" at the end of a string); 78 in the sample
    ("国家高新技术企业突破2000家", [(2000.0, "家", "at_least")]),
    ("新增停车泊位2000个。", [(2000.0, "个", "exact")]),
    ("2018—2020批次", []),
    # 日照: a scraped PDF's decimal point with a space on each side
    ("地区生产总值增长5 . 5%以上", [(5.5, "%", "at_least")]),
    ("共1. 5个", [(5.0, "个", "exact")]),  # a space on one side only: not 1.5
    # air quality and durations
    ("PM2.5年平均浓度21.6微克/立方米", [(21.6, "微克/立方米", "exact")]),
    ("环境空气优良天数达到324天", [(324.0, "天", "exact")]),
    ("首批4家天府实验室实体化运行", [(4.0, "家", "exact")]),  # 天 opens a name here
    ("设立50亿元天开九安海河海棠科创母基金", [(50.0, "亿元", "exact")]),
    # QA pass 16: a class of size is no figure (烟台's 千万吨级LNG基地 was "级LNG基地" = 10,000,000 吨)
    ("建设千万吨级LNG基地", []),
    ("新增3000吨级泊位10个", [(10.0, "个", "exact")]),
    ("打造千亿元级现代农业产业集群", []),
    ("新建10万千瓦级电站，装机达到120万千瓦", [(120.0, "万千瓦", "exact")]),
])
def test_quantities_found_in_the_blind_set(sentence, expected):
    from metrics.quantities import find_quantities
    assert [(q.low, q.unit, q.qualifier) for q in find_quantities(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    # a sum written with 以上 before a noun is the bound in the name of what the next figure counts
    ("今年要新开工10亿元以上项目不少于5个。", [(5.0, "个")]),
    ("500万元以上固定资产投资增长3%。", [(3.0, "%")]),
    ("实际利用省外2000万元以上项目资金增长5%以上。", [(5.0, "%")]),  # 赣州 (heldout4)
    # a share, a count or a clause's last figure is the figure
    ("确保全市60%以上的行政村集体经营性收入超50万元。", [(60.0, "%"), (50.0, "万元")]),
    ("推动50个以上重点项目竣工投产、150个以上重点项目开工。", [(50.0, "个"), (150.0, "个")]),
    ("今年全市80%以上行政村建有村级寄递物流综合服务站。", [(80.0, "%")]),
])
def test_a_bound_in_a_name_is_not_a_figure(sentence, expected):
    assert [(t[2], t[4]) for t in run("今年的主要目标是：" + sentence)] == expected


def test_a_lone_numbered_review_heading_opens_the_review():
    """日照's scraped report stops after "一、2023年工作回顾" (no 二、): its figures are results, not
    targets (heldout4: three past results were reported as targets)."""
    text = ("各位代表：\n\n现在，我代表市人民政府向大会报告工作。\n\n一、2023年工作回顾\n\n"
            "过去一年，全市上下锚定目标一起拼。\n\n全力以赴扩大投资。360个实施类省市重点项目完成投资925.4亿元，争取专项债券资金95亿元。\n")
    got = extract_targets(text, year=2024)
    assert [(t.low, t.kind) for t in got if t.unit == "亿元"] == [(925.4, "achievement"), (95.0, "achievement")]


def test_a_level_aimed_at_after_a_growth_rate_is_the_indicators_level():
    """heldout6 (济宁): "地区生产总值增长5.5%以上，力争突破6000亿元" — 6000亿元 was lost; a stretch in
    the same unit stays the growth target's stretch."""
    got = run("地区生产总值增长5.5%以上，力争突破6000亿元。")
    assert [(t[0], t[1], t[2], t[4], t[5]) for t in got] == [("地区生产总值", "gdp_growth", 5.5, "%", "at_least"),
                                                             ("地区生产总值", "other", 6000.0, "亿元", "at_least")]
    assert [(t[2], t[8]) for t in run("地区生产总值增长7%以上，力争8%。")] == [(7.0, 8.0)]


@pytest.mark.parametrize("sentence,expected", [
    # heldout8 (session 24): units of the review's results, from data/city-reports-2024
    ("生猪出栏422万头。", [("生猪出栏", 422, "万头")]),  # 泸州
    ("新增背街小巷路灯2210盏。", [("新增背街小巷路灯", 2210, "盏")]),  # 荆州
    ("产投集团新增5支产业基金。", [("新增产业基金", 5, "支")]),  # 荆州
    ("举办“惠享泸州”消费促进活动300余场次。", [("举办“惠享泸州”消费促进活动", 300, "场次")]),  # 泸州
    ("文体惠民活动1.4万余场。", [("文体惠民活动", 1.4, "万场")]),  # 威海
    ("接待国省级领导调研160余批次。", [("接待国省级领导调研", 160, "批次")]),  # 德阳
    ("阜阳至舟山港通行时间缩短至18小时。", [("阜阳至舟山港通行时间", 18, "小时")]),  # 阜阳
    ("钠离子电池25GWh。", [("钠离子电池", 25, "GWh")]),  # 阜阳
    ("配合市人大及其常委会制定5部条例。", [("条例", 5, "部")]),  # 晋城
    ("箴言书院等20个项目建成。", [("项目建成", 20, "个")]),  # 益阳: a count before 项目
    ("12个项目与金融机构现场签约102亿元。",  # 晋城: 签约 is not cut to 签 (约 "about")
     [("项目与金融机构现场签约", 12, "个"), ("12个项目与金融机构现场签约", 102, "亿元")]),
    ("政府投资类、一般社会投资类和工业项目审批时限分别压缩至55、50、24个工作日。",  # 阜阳
     [("政府投资类", 55, "个工作日"), ("一般社会投资类", 50, "个工作日"), ("工业项目审批时限", 24, "个工作日")]),
    ("全面精简会议、文件、督查检查考核，分别减少7.7%、20.7%、17.4%。",  # 阜阳: the names in the clause before
     [("全面精简会议", 7.7, "%"), ("文件", 20.7, "%"), ("督查检查考核", 17.4, "%")]),
    ("一般公共预算收入183.6亿元，同口径增长13.6%。",  # 德阳
     [("一般公共预算收入", 183.6, "亿元"), ("一般公共预算收入", 13.6, "%")]),
    # …and not where the unit opens a name, or a streak
    ("推进174条支沟治理。", [("支沟治理", 174, "条")]),  # 的 支 of 支沟 is no unit
    ("培育10家头部企业。", [("培育头部企业", 10, "家")]),
    ("宜宾进入成都1小时经济圈。", []),
    ("规模以上工业增加值连续8个月全省第一。", []),
], ids=["万头", "盏", "支", "场次", "万余场", "批次", "小时", "GWh", "部", "个项目", "签约", "bare-list", "names-before",
        "同口径", "支沟", "头部", "1小时经济圈", "连续8个月"])
def test_units_of_results_and_where_they_are_names(sentence, expected):
    got = [(t[0], t[2], t[4]) for t in run(sentence, part=REVIEW)]
    assert [(u, v) for _, v, u in got] == [(u, v) for _, v, u in expected]
    assert [n for n, _, _ in got] == [n for n, _, _ in expected]


# A December 经济工作会议 speech (QA pass 15): it reviews 今年 and sets 明年's targets. Its year is
# the next one, as a work report of the next January; 今年's figures are that year's results.
DECEMBER_SPEECH = (
    "在全县经济工作会议上的讲话\n（2023年12月20日）\n同志们：\n"
    "今年全县地区生产总值预计增长6.5%左右，规模以上工业增加值增长8%以上。\n"
    "明年全县地区生产总值增长7%左右，城镇新增就业1.2万人，城镇调查失业率控制在5.5%以内。\n"
)


def test_a_december_speech_sets_next_years_targets_and_reviews_this_years():
    from metrics.analyze import analyze

    a = analyze(DECEMBER_SPEECH)
    assert (a.meta.date, a.meta.year, a.meta.year_source) == ("2023-12-20", 2024, "plan_next_year")
    got = [(t.canonical, t.low, t.kind) for t in a.targets]
    assert got == [("gdp_growth", 6.5, "achievement"), ("industrial_value_added_growth", 8.0, "achievement"),
                   ("gdp_growth", 7.0, "target"), ("new_urban_jobs", 1.2, "target"),
                   ("urban_unemployment_rate", 5.5, "target")]


def test_next_year_in_a_speech_of_another_month_is_a_target_and_keeps_the_year():
    from metrics.analyze import analyze

    a = analyze(DECEMBER_SPEECH.replace("2023年12月20日", "2023年6月20日"))
    assert (a.meta.year, a.meta.year_source) == (2023, "dateline")
    assert [t.kind for t in a.targets if t.low == 7.0] == ["target"]
