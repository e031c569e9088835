"""The five seed speeches against their hand labels (tests/gold/seeds.jsonl)."""
import pytest

from metrics.analyze import analyze
from metrics.evaluate import _match, _overlap, _same_value
from metrics.reader import read_document

from conftest import DATA, load_gold

SEEDS = load_gold("seeds.jsonl")
IDS = [s["id"][:3] for s in SEEDS]


@pytest.fixture(scope="module")
def results():
    out = {}
    for label in SEEDS:
        text = read_document(DATA / "seeds" / f"{label['id']}.txt").text
        out[label["id"]] = (text, analyze(text, source=label["id"]).to_json())
    return out


@pytest.mark.parametrize("label", SEEDS, ids=IDS)
@pytest.mark.parametrize("field", ["title", "speaker", "speaker_role", "level", "province", "city", "district", "town"])
def test_metadata(results, label, field):
    assert results[label["id"]][1]["meta"][field] == label[field]


@pytest.mark.parametrize("label", SEEDS, ids=IDS)
def test_year_and_date_never_wrong(results, label):
    meta = results[label["id"]][1]["meta"]
    if label["year_explicit"]:
        assert meta["year"] == label["year"]
    else:
        assert meta["year"] in (None, label["year"])
    if label["date"]:
        assert meta["date"] == label["date"]


@pytest.mark.parametrize("label", SEEDS, ids=IDS)
def test_every_labelled_target_and_result_is_found(results, label):
    text, a = results[label["id"]]
    gold = label["targets"] + label["achievements"]
    tp, misses, _ = _match(text, gold, a["targets"])
    assert not misses, misses


@pytest.mark.parametrize("label", SEEDS, ids=IDS)
def test_no_past_result_reported_as_target(results, label):
    text, a = results[label["id"]]
    for g in label["achievements"]:
        assert not any(p["kind"] == "target" and _same_value(g, p) and _overlap(text, g, p) for p in a["targets"]), g


def test_target_details_of_the_dongcheng_seed(results):
    _, a = results["004_662e618dc52858a0"]
    gdp = next(t for t in a["targets"] if t["canonical"] == "gdp_growth")
    assert (gdp["low"], gdp["high"], gdp["unit"], gdp["direction"], gdp["kind"]) == (8.2, 8.5, "%", "growth", "target")
    unemp = next(t for t in a["targets"] if t["canonical"] == "registered_unemployment_rate")
    assert (unemp["low"], unemp["qualifier"], unemp["direction"]) == (3, "at_most", "at_most")


@pytest.mark.parametrize("label", SEEDS, ids=IDS)
def test_declared_counts(results, label):
    declared = results[label["id"]][1]["tasks"]["declared"]
    for g in label["declared_counts"]:
        norm = lambda s: s.replace('"', "").replace("“", "").replace("”", "")
        hit = [d for d in declared if d["n"] == g["n"] and (norm(g["phrase"])[-6:] in norm(d["phrase"]) or norm(d["phrase"])[-6:] in norm(g["phrase"]))]
        assert hit, (g, declared)
        assert hit[0]["mismatch"] == ("enumerated" in g), (g, hit[0])
        if "enumerated" in g:
            assert hit[0]["found"] == g["enumerated"]


@pytest.mark.parametrize("label", SEEDS, ids=IDS)
def test_slogan_counts_exact(results, label):
    got = {s["text"]: s["count"] for s in results[label["id"]][1]["slogans"] if s["kind"] == "dictionary"}
    for phrase, n in label["slogans"].items():
        assert got.get(phrase) == n, phrase


def test_slogan_rate_per_10k(results):
    text, a = results["002_0bf3c1c027113e43"]
    s = next(s for s in a["slogans"] if s["text"] == "城市创建")
    assert s["per_10k"] == pytest.approx(49 * 10_000 / len(text), abs=1e-3)


def test_numbered_formulas_are_discovered(results):
    formulas = {s["text"] for s in results["000_c640d4500c71a10a"][1]["slogans"] if s["kind"] == "formula"}
    assert {"四个意识", "1+3", "9+N", "三个关系"} <= formulas
    assert "五心工程" in {s["text"] for s in results["003_49f5c10d9eda79ac"][1]["slogans"] if s["kind"] == "formula"}


def test_slogan_dictionary_has_no_phrase_that_is_another_ones_variant():
    from metrics.lexicon import slogans
    texts = {s.text for s in slogans()}
    variants = {v for s in slogans() for v in s.variants}
    assert not texts & variants and len(texts) == len(slogans())


@pytest.mark.parametrize("text,count", [
    ("深入实施创新驱动发展战略，加快建设科技强市。", 1),
    ("坚持实施创新驱动战略。", 1),  # the same strategy, written short
    ("以创新驱动产业转型。", 0),  # 海拉尔区 2016: the verb phrase, not the slogan
    ("成功创建全国创新驱动示范城市。", 0),  # 银川
    ("增强发展的创新驱动力。", 0),
])
def test_the_slogan_innovation_driven_development_is_not_any_innovation_drive(text, count):
    """QA pass 8: the variant 创新驱动 counted every 创新驱动… for 创新驱动发展."""
    from metrics.slogans import count_slogans
    got = {s.text: s.count for s in count_slogans(text) if s.kind == "dictionary"}
    assert got.get("创新驱动发展", 0) == count
