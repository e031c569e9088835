"""The analysis pipeline: one pure function from a document's text to its facts.

Components run in order, each declaring what it produces:

==========  ===========================================  =====================
component   produces                                     rules
==========  ===========================================  =====================
normalise   analysis text (same length as the original)  normalize.fold
meta        title, doc_type, speaker, role, date, year   meta.py
region      province/city/district/town, level, code     data/divisions*.csv
tasks       outline, declared counts                     tasks.py
targets     numeric targets / achievements / long-term   data/indicators.csv
slogans     dictionary counts, formulas, quoted phrases  data/slogans.csv
keywords    TF-IDF top-k (one segmentation)              jieba dict + IDF
==========  ===========================================  =====================

>>> a = analyze("我讲两点意见。\\n一、统一思想\\n二、力争地区生产总值增长6%左右\\n", source="x.txt")
>>> a.tasks.top_level_sections, a.targets[0].canonical, a.targets[0].qualifier
(2, 'gdp_growth', 'about')
>>> a.to_json()["schema_version"]
1
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field, replace

from . import SCHEMA_VERSION
from .keywords import Keyword, segment, top_keywords
from .lexicon import rules_version
from .meta import Meta, extract_meta
from .normalize import fold
from .region import Region, resolve_region
from .slogans import Mention, SloganCount, count_slogans, dictionary_mentions, discovered_mentions
from .targets import Target, extract_targets
from .tasks import Declared, OutlineItem, build_outline, find_declared, top_level_sections

META_FIELDS = ("title", "doc_type", "speaker", "speaker_role", "date", "year", "level",
               "province", "city", "district", "town")


@dataclass(frozen=True)
class Tasks:
    top_level_sections: int
    enumerated_items: int
    outline: tuple[OutlineItem, ...]
    declared: tuple[Declared, ...]


@dataclass(frozen=True)
class Analysis:
    source: str
    doc_id: str
    text: str
    meta: Meta
    region: Region
    targets: tuple[Target, ...]
    tasks: Tasks
    slogans: tuple[SloganCount, ...]
    mentions: tuple[Mention, ...]
    keywords: tuple[Keyword, ...]
    overrides: tuple[str, ...] = ()
    timings: dict = field(default_factory=dict, compare=False)

    def meta_dict(self) -> dict:
        m, r = self.meta, self.region
        return {
            "title": m.title, "doc_type": m.doc_type, "speaker": m.speaker, "speaker_role": m.speaker_role,
            "date": m.date, "year": m.year, "level": r.level, "province": r.province, "city": r.city,
            "district": r.district, "town": r.town, "region_code": r.code,
        }

    def to_json(self) -> dict:
        """The documented `extract` JSON object (schema_version 1)."""
        return {
            "source": self.source,
            "doc_id": self.doc_id,
            "schema_version": SCHEMA_VERSION,
            "rules_version": rules_version(),
            "n_chars": len(self.text),
            "meta": self.meta_dict(),
            "overrides": list(self.overrides),
            "targets": [
                {k: getattr(t, k) for k in ("indicator", "canonical", "low", "high", "unit", "qualifier", "direction",
                                            "kind", "stretch", "sentence", "start", "end")}
                for t in self.targets
            ],
            "tasks": {
                "top_level_sections": self.tasks.top_level_sections,
                "enumerated_items": self.tasks.enumerated_items,
                "declared": [{"phrase": d.phrase, "n": d.n, "found": d.found, "mismatch": d.mismatch,
                              "start": d.start, "end": d.end} for d in self.tasks.declared],
                "outline": [{"level": o.level, "marker": o.marker, "heading": o.heading, "start": o.start}
                            for o in self.tasks.outline],
            },
            "slogans": [{"text": s.text, "count": s.count, "per_10k": s.per_10k, "kind": s.kind} for s in self.slogans],
            "keywords": [{"word": k.word, "weight": k.weight} for k in self.keywords],
        }


def doc_id_for(text: str) -> str:
    """Documents are keyed by a hash of their decoded text (line ends normalised)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def analyze(text: str, source: str = "<text>", overrides: dict | None = None, n_keywords: int = 20) -> Analysis:
    """Analyse one document. Pure: the same text always gives the same facts."""
    t0 = time.perf_counter()
    timings = {}
    a_text = fold(text)
    t1 = time.perf_counter(); timings["normalise"] = t1 - t0
    meta = extract_meta(a_text)
    # titles and names are shown to users: take them from the original text at the same offsets
    meta = _restore_original(meta, text, a_text)
    region = resolve_region(a_text[:60_000], title=meta.title, speaker_role=meta.speaker_role)
    t2 = time.perf_counter(); timings["meta"] = t2 - t1
    outline = build_outline(a_text)
    declared = find_declared(a_text, outline)
    if a_text != text:  # headings and phrases are shown to users: as written, same offsets
        outline = [replace(o, marker=text[o.start:o.start + len(o.marker)],
                           heading=text[o.start + len(o.marker):o.end].strip()[:60]) for o in outline]
        declared = [replace(d, phrase=text[d.start:d.end]) for d in declared]
    tasks = Tasks(top_level_sections(outline), len(outline), tuple(outline), tuple(declared))
    t3 = time.perf_counter(); timings["tasks"] = t3 - t2
    applied: list[str] = []
    if overrides:
        meta, region, applied = apply_overrides(meta, region, overrides)
    targets = extract_targets(a_text, outline, year=meta.year)
    if a_text != text:  # show evidence as written (full-width forms), at the same offsets
        targets = [t if text[t.start:t.end] == t.sentence else replace(t, sentence=text[t.start:t.end]) for t in targets]
    t4 = time.perf_counter(); timings["targets"] = t4 - t3
    mentions = dictionary_mentions(a_text) + discovered_mentions(a_text)
    if a_text != text:
        mentions = [replace(m, text=text[m.start:m.end]) if m.kind != "dictionary" and text[m.start:m.end] != m.text else m
                    for m in mentions]
    slogans = count_slogans(a_text, mentions)
    t5 = time.perf_counter(); timings["slogans"] = t5 - t4
    keywords = top_keywords(a_text, k=n_keywords, tokens=segment(a_text))
    t6 = time.perf_counter(); timings["keywords"] = t6 - t5
    return Analysis(source=source, doc_id=doc_id_for(text), text=text, meta=meta, region=region,
                    targets=tuple(targets), tasks=tasks, slogans=tuple(slogans), mentions=tuple(mentions),
                    keywords=tuple(keywords), overrides=tuple(applied), timings=timings)


def _restore_original(meta: Meta, text: str, a_text: str) -> Meta:
    def orig(value):
        if not value:
            return value
        i = a_text.find(value)
        return text[i:i + len(value)] if i >= 0 else value
    return replace(meta, title=orig(meta.title), speaker=orig(meta.speaker), speaker_role=orig(meta.speaker_role))


def apply_overrides(meta: Meta, region: Region, overrides: dict) -> tuple[Meta, Region, list[str]]:
    """Sidecar/manifest values win over extracted ones; the fields set are returned."""
    meta_kw, region_kw, applied = {}, {}, []
    for key, value in overrides.items():
        if key not in META_FIELDS or value in (None, ""):
            continue
        if key == "year":
            value = int(value)
        if key == "date":
            value = str(value)[:10]
            meta_kw.setdefault("year", int(value[:4]))
        if key in ("level", "province", "city", "district", "town"):
            region_kw[key] = value
        else:
            meta_kw[key] = value
        applied.append(key)
    if "year" in meta_kw:
        meta_kw["year_source"] = "override"
    return replace(meta, **meta_kw), replace(region, **region_kw), sorted(applied)
