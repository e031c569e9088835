"""Score extraction against hand labels (JSON Lines in the format of tests/gold/seeds.jsonl).

A label names its file by ``file`` (relative to the data directory) or, for the seeds, by
``id`` (``seeds/<id>.txt``). Matching rules:

* a numeric item matches when kind, canonical id, low, high and unit agree and the two
  evidence sentences overlap (one contains the other, or their spans in the text overlap);
* **targets** are scored within the labelled passages (the sentences that hold a labelled
  item): labels list every target there, not every number in the document; **canonical
  targets** are also scored over the whole document (registry indicators only);
* a **past result reported as a target** is a predicted target that matches a labelled
  achievement by value and sentence;
* metadata fields are exact; a null answer to an implied year is allowed, a wrong year never;
* declared counts match by equal n and overlapping phrases (one contains the other, or their
  spans in the text overlap); a label line lists every declaration of the forms in its
  ``declared_forms`` (default ``["follows"]``: items after it; ``"inline"``: items listed just
  before it), so only predictions of those forms count against precision; slogans by exact count.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from .analyze import analyze
from .normalize import fold
from .reader import ReadError, read_document

RECALL_ONLY = {"achievements_recall", "long_term_targets"}
META_KEYS = ("title", "doc_type", "speaker", "speaker_role", "date", "year", "level", "province", "city", "district", "town")


def _file_for(label: dict, data_dir: Path) -> Path:
    if label.get("file"):
        return data_dir / label["file"]
    return data_dir / "seeds" / f"{label['id']}.txt"


def _same_value(g: dict, p: dict) -> bool:
    """Same values and unit; a label's unit may add its alternative in brackets ("套（间）": 套).

    >>> _same_value({"low": 6.1, "high": 6.1, "unit": "万套（间）"}, {"low": 6.1, "high": 6.1, "unit": "万套"})
    True
    """
    return (abs(float(g["low"]) - float(p["low"])) < 1e-6 and abs(float(g["high"]) - float(p["high"])) < 1e-6
            and _UNIT_ALTERNATIVE.sub("", g.get("unit") or "") == (p.get("unit") or ""))


_UNIT_ALTERNATIVE = re.compile(r"[（(][^（）()]*[)）]$")


def _places(text: str, sentence: str) -> list[tuple[int, int]]:
    """Every place a label's sentence is written: as is, else folded, else with white space left
    out on both sides (a label copied from a hard-wrapped file, "增长6%左\\n\\n右", where the reader
    joined the lines).

    >>> _places("目标是:增长6%左右,收入增长5%", "增长6%左\\n\\n右")
    [(4, 10)]
    """
    for hay, needle in ((text, sentence), (fold(text), fold(sentence))):
        out, i = [], hay.find(needle)
        while i >= 0 and needle:
            out.append((i, i + len(needle)))
            i = hay.find(needle, i + 1)
        if out:
            return out
    kept = [i for i, c in enumerate(text) if not c.isspace()]
    hay, needle = "".join(text[i] for i in kept), "".join(c for c in sentence if not c.isspace())
    out, i = [], hay.find(needle) if needle else -1
    while i >= 0:
        out.append((kept[i], kept[i + len(needle) - 1] + 1))
        i = hay.find(needle, i + 1)
    return out


def _locate(text: str, sentence: str) -> tuple[int, int] | None:
    """The first place a label's sentence is written."""
    places = _places(text, sentence)
    return places[0] if places else None


def _overlap(text: str, g: dict, p: dict) -> bool:
    """The label's sentence is written where the prediction's evidence is. A short sentence written
    in two places (the review's "社会消费品零售总额增长7%" and the plan's "…增长7%左右") matches
    only the prediction at its own place; one not found in the text matches by containment."""
    places = _places(text, g["sentence"])
    if places:
        return any(s < p["end"] and p["start"] < e for s, e in places)
    gs, ps = fold(g["sentence"]), fold(p["sentence"])
    return gs in ps or ps in gs


def _match(text: str, gold: list[dict], pred: list[dict], canonical: bool = True) -> tuple[int, list, list]:
    used, misses = set(), []
    for g in gold:
        hit = None
        for i, p in enumerate(pred):
            if i in used or p["kind"] != g["kind"] or not _same_value(g, p):
                continue
            if canonical and p["canonical"] != g["canonical"]:
                continue
            if _overlap(text, g, p):
                hit = i
                break
        if hit is None:
            misses.append(g)
        else:
            used.add(hit)
    extras = [p for i, p in enumerate(pred) if i not in used and not p.get("of_stretch")]
    return len(gold) - len(misses), misses, extras


def _with_stretches(pred: list[dict]) -> list[dict]:
    """The predictions, and after each one with a 力争 value ("增长5.5%、力争6%以上": one target of
    5.5 % whose ``stretch`` is 6) that value as a prediction of its own, at least, at the same place:
    some label sets write the stretch as a target of its own, others leave it out, so such a
    prediction may match a label but is never counted as an extra (see :func:`_match`).

    >>> [(p["low"], p["qualifier"]) for p in _with_stretches([{"low": 5.5, "high": 5.5, "qualifier": "exact", "stretch": 6.0}])]
    [(5.5, 'exact'), (6.0, 'at_least')]
    """
    out = []
    for p in pred:
        out.append(p)
        if p.get("stretch") is not None:
            out.append(dict(p, low=p["stretch"], high=p["stretch"], qualifier="at_least", stretch=None, of_stretch=True))
    return out


def _sentence_spans(text: str, items: list[dict]) -> list[tuple[int, int]]:
    spans = []
    for g in items:
        loc = _locate(text, g["sentence"])
        if not loc:
            continue
        s, e = loc
        while s > 0 and text[s - 1] not in "。\n":
            s -= 1
        while e < len(text) and text[e] not in "。\n":
            e += 1
        spans.append((s, e))
    return spans


class _PRF:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, tp, fp, fn):
        self.tp += tp; self.fp += fp; self.fn += fn

    def as_dict(self):
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


class GoldError(ValueError):
    """A label file that cannot be read as JSON Lines, naming the file and line."""


#: fields a label's items need, by list
_ITEM_FIELDS = {
    "targets": ("low", "high", "unit", "kind", "sentence"), "long_term_targets": ("low", "high", "unit", "sentence"),
    "achievements": ("low", "high", "unit", "sentence"), "declared_counts": ("phrase", "n"),
}


def _label_problem(label: dict) -> str | None:
    """What makes a label unusable ("targets" not a list, an item without its sentence), or None."""
    for name, fields in _ITEM_FIELDS.items():
        items = label.get(name, [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            return f'"{name}" must be a list of objects'
        for k, item in enumerate(items, 1):
            if missing := [f for f in fields if f not in item]:
                return f'{name} item {k} lacks {", ".join(missing)}'
    if not isinstance(label.get("slogans", {}), dict):
        return '"slogans" must be an object of phrase: count'
    return None


def read_labels(gold_path: Path) -> list[dict]:
    """The labels of a JSON Lines file, one object per non-empty line."""
    labels = []
    try:
        lines = Path(gold_path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{gold_path}: cannot read it as UTF-8 text ({exc})") from None
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{gold_path}, line {no}: not JSON ({exc.msg}); labels are JSON Lines, one object per line") from None
        if not isinstance(label, dict) or not (label.get("file") or label.get("id")):
            raise GoldError(f"{gold_path}, line {no}: a label is an object with a \"file\" (or \"id\") field")
        if problem := _label_problem(label):
            raise GoldError(f"{gold_path}, line {no}: {problem}")
        labels.append(label)
    if not labels:
        raise GoldError(f"{gold_path}: no labels in it")
    return labels


def evaluate_gold(gold_path: Path, data_dir: Path, only: list[Path] | None = None) -> dict:
    labels = read_labels(gold_path)
    scores = defaultdict(_PRF)
    meta_ok, meta_n = defaultdict(int), defaultdict(int)
    wrong_years, past_as_target, details, errors = [], [], [], []
    only_names = {p.name for p in only} if only else None
    for label in labels:
        path = _file_for(label, Path(data_dir))
        if only_names and path.name not in only_names:
            continue
        try:
            text = read_document(path).text
        except (ReadError, OSError) as exc:
            errors.append({"file": str(path), "error": str(exc)})
            continue
        a = analyze(text, source=str(path)).to_json()
        meta = a["meta"]
        doc = {"file": str(path), "misses": [], "extras": [], "meta_errors": []}
        for key in META_KEYS:
            if key not in label or (key == "doc_type" and label.get(key) is None):
                continue
            want, got = label.get(key), meta.get(key)
            if key == "year" and got is None and label.get("year_explicit") is False:
                want = None  # an implied year may be left open
            if key == "date" and got is None and want is not None and label.get("year_explicit") is False:
                want = None
            meta_n[key] += 1
            if want == got or (key == "date" and want and got and abs((_d(want) - _d(got)).days) <= 1 and "昨天" in (label.get("year_note") or "")):
                meta_ok[key] += 1
            else:
                doc["meta_errors"].append({"field": key, "gold": want, "got": got})
                if key == "year" and got is not None:
                    wrong_years.append({"file": str(path), "gold": label.get("year"), "got": got})
        pred = _with_stretches(a["targets"])
        gold_targets = [dict(t, kind=t.get("kind", "target")) for t in label.get("targets", [])]
        gold_long = [dict(t, kind="long_term_target") for t in label.get("long_term_targets", [])]
        gold_ach = [dict(t, kind="achievement") for t in label.get("achievements", [])]
        # targets within the labelled passages
        spans = _sentence_spans(text, gold_targets)
        in_scope = [p for p in pred if p["kind"] == "target" and any(s < p["end"] and p["start"] < e for s, e in spans)]
        tp, misses, extras = _match(text, gold_targets, in_scope)
        scores["targets"].add(tp, len(extras), len(misses))
        doc["misses"] += misses
        doc["extras"] += extras
        # canonical targets over the whole document
        gold_can = [g for g in gold_targets if g["canonical"] != "other"]
        pred_can = [p for p in pred if p["kind"] == "target" and p["canonical"] != "other"]
        tp, misses, extras = _match(text, gold_can, pred_can)
        scores["targets_canonical_whole_doc"].add(tp, len(extras), len(misses))
        doc["canonical_extras"] = [{"indicator": p["indicator"], "low": p["low"], "sentence": p["sentence"]} for p in extras]
        # values alone (indicator mapping ignored)
        tp, _, extras_v = _match(text, gold_targets, in_scope, canonical=False)
        scores["target_values"].add(tp, len(extras_v), len(gold_targets) - tp)
        if gold_long:
            tp, misses, extras = _match(text, gold_long, [p for p in pred if p["kind"] == "long_term_target"])
            scores["long_term_targets"].add(tp, 0, len(misses))
        if gold_ach:
            tp, misses, extras = _match(text, gold_ach, [p for p in pred if p["kind"] == "achievement"])
            scores["achievements_recall"].add(tp, 0, len(misses))
            doc["misses"] += misses
            # a labelled achievement that came out as a target (the same figure: a plan's "增长7%左右"
            # that begins with the review's "增长7%" is another)
            for g in gold_ach:
                for p in pred:
                    if (p["kind"] == "target" and _same_value(g, p) and g.get("qualifier", p["qualifier"]) == p["qualifier"]
                            and _overlap(text, g, p)):
                        past_as_target.append({"file": str(path), "sentence": g["sentence"], "low": g["low"]})
                        break
        # declared counts
        gd = label.get("declared_counts", [])
        pd = a["tasks"]["declared"]
        used = set()
        for g in gd:
            places = _places(text, g["phrase"])

            def fit(p, g=g, places=places) -> int:
                """2: at the label's place; 1: the phrases agree (one holds the other, or the
                label's last six characters); 0: no match."""
                if any(s < p["end"] and p["start"] < e for s, e in places):
                    return 2
                gp, pp = fold(g["phrase"]), fold(p["phrase"])
                return int(gp in pp or pp in gp or gp[-6:] in pp)

            fits = [(fit(p), -i) for i, p in enumerate(pd) if i not in used and p["n"] == g["n"]]
            best = max((f for f in fits if f[0]), default=None)
            hit = -best[1] if best else None
            if hit is None:
                doc["misses"].append({"declared": g})
            else:
                used.add(hit)
                scores["declared_mismatch_flag"].add(int(bool(g.get("enumerated")) == pd[hit]["mismatch"]),
                                                     int(bool(g.get("enumerated")) != pd[hit]["mismatch"]), 0)
        # labels list every declaration of the forms they name (by default those whose items follow)
        forms = label.get("declared_forms", ["follows"])
        extra_decl = [p for i, p in enumerate(pd) if i not in used and p["form"] in forms]
        scores["declared_counts"].add(len(used), len(extra_decl), len(gd) - len(used))
        doc["extras"] += [{"declared": {"phrase": p["phrase"], "n": p["n"], "form": p["form"]}} for p in extra_decl]
        # slogans: exact counts, of the dictionary phrase or else of the document's own 提法 found by
        # discovery (a formula or quoted phrase, counted wherever the document writes it)
        got_sl = {}
        for s in a["slogans"]:
            if s["kind"] != "dictionary" and s["text"] not in got_sl:
                got_sl[s["text"]] = s["count"]
        got_sl.update({s["text"]: s["count"] for s in a["slogans"] if s["kind"] == "dictionary"})
        for phrase, n in label.get("slogans", {}).items():
            c = got_sl.get(phrase)
            ok = c == n
            scores["slogan_counts"].add(int(ok), int(not ok and c is not None), int(not ok))
            if not ok:
                doc["misses"].append({"slogan": phrase, "gold": n, "got": c})
        details.append(doc)
    return {
        "documents": len(details),
        "fields": {k: v.as_dict() for k, v in sorted(scores.items())},
        "metadata_accuracy": {k: {"correct": meta_ok[k], "of": meta_n[k], "accuracy": round(meta_ok[k] / meta_n[k], 4)}
                              for k in META_KEYS if meta_n[k]},
        "wrong_years": wrong_years,
        "past_results_reported_as_targets": past_as_target,
        "errors": errors,
        "details": details,
    }


def _d(s: str):
    import datetime as dt
    return dt.date.fromisoformat(s)


def format_report(result: dict, details: bool = False) -> str:
    lines = [f"documents scored: {result['documents']}", "", f"{'field':32} {'P':>7} {'R':>7} {'F1':>7} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for name, s in result["fields"].items():
        if name in RECALL_ONLY:  # labels list a sample of these, so only recall is meaningful
            lines.append(f"{name:32} {'n/a':>7} {s['recall']:7.3f} {'n/a':>7} {s['tp']:5} {'':>5} {s['fn']:5}")
        else:
            lines.append(f"{name:32} {s['precision']:7.3f} {s['recall']:7.3f} {s['f1']:7.3f} {s['tp']:5} {s['fp']:5} {s['fn']:5}")
    lines += ["", f"{'metadata field':32} {'accuracy':>9} {'correct':>8}"]
    for k, v in result["metadata_accuracy"].items():
        lines.append(f"{k:32} {v['accuracy']:9.3f} {v['correct']:>4}/{v['of']}")
    lines += ["", f"wrong years: {len(result['wrong_years'])}", f"past results reported as targets: {len(result['past_results_reported_as_targets'])}"]
    if details:
        for d in result["details"]:
            if d["misses"] or d["extras"] or d["meta_errors"]:
                lines.append(f"\n== {d['file']}")
                for e in d["meta_errors"]:
                    lines.append(f"  meta {e['field']}: gold={e['gold']!r} got={e['got']!r}")
                for m in d["misses"]:
                    lines.append(f"  MISS {json.dumps(m, ensure_ascii=False)[:200]}")
                for x in d["extras"]:
                    if "declared" in x:
                        lines.append(f"  EXTRA declared {x['declared']['n']} {x['declared']['form']} | {x['declared']['phrase'][:60]}")
                    else:
                        lines.append(f"  EXTRA {x['indicator']} {x['low']} {x['unit']} {x['kind']} | {x['sentence'][:60]}")
        for p in result["past_results_reported_as_targets"]:
            lines.append(f"  PAST-AS-TARGET {p['file']}: {p['sentence'][:60]}")
    return "\n".join(lines)
