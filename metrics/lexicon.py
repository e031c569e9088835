"""Versioned rule files under metrics/data/: indicators, slogans, cue words.

RULES_VERSION is the package version plus a short hash of every rule file, so each fact in
the database names the exact lexicons that produced it.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from . import __version__

RULE_FILES = ("indicators.csv", "alias_context.csv", "slogans.csv", "stopwords.txt", "near_duplicates.toml",
              "fixed_formulas.csv", "positioning.csv", "service_numbers.csv")


def data_path(name: str):
    return resources.files("metrics") / "data" / name


def read_rows(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if any(v.strip() for v in row.values() if v)]


# the modules whose code decides what is extracted: a change to them is a change of rules too
RULE_MODULES = ("analyze", "normalize", "meta", "region", "targets", "quantities", "tasks", "slogans",
                "keywords", "fastre", "lexicon", "dedup")


@cache
def rules_version() -> str:
    """Package version + a hash of the rule files and of the extraction code."""
    h = hashlib.sha256()
    for name in RULE_FILES:
        h.update(data_path(name).read_bytes())
    for module in RULE_MODULES:
        h.update((resources.files("metrics") / f"{module}.py").read_bytes())
    return f"{__version__}+{h.hexdigest()[:8]}"


@dataclass(frozen=True)
class Indicator:
    id: str
    label_zh: str
    label_en: str
    unit: str
    direction: str
    aliases: tuple[str, ...]


@cache
def indicators() -> dict[str, Indicator]:
    out = {}
    for row in read_rows("indicators.csv"):
        aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
        out[row["id"]] = Indicator(row["id"], row["label_zh"], row["label_en"], row["unit"], row["direction"], aliases)
    return out


@cache
def alias_context() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words that, right before or after an indicator alias, make it the base of a ratio or a
    per-unit measure rather than the thing measured ("占地区生产总值比重", "单位GDP碳排放"):
    (before, after), longest first, from alias_context.csv.

    >>> before, after = alias_context()
    >>> "占" in before and "比重" in after
    True
    """
    return _context_cues("before"), _context_cues("after")


@cache
def _context_cues(side: str) -> tuple[str, ...]:
    """The cues of one side of alias_context.csv, longest first."""
    cues = {r["cue"] for r in read_rows("alias_context.csv") if r["side"] == side and r["cue"]}
    return tuple(sorted(cues, key=len, reverse=True))


@cache
def fixed_formulas() -> frozenset[str]:
    """Numbered formulas whose items are fixed and seldom written out (三保, 三公 …), from
    fixed_formulas.csv: the words listed just before one are not its items.

    >>> "三保" in fixed_formulas()
    True
    """
    return frozenset(r["text"] for r in read_rows("fixed_formulas.csv") if r["text"])


@cache
def service_numbers() -> frozenset[str]:
    """Telephone numbers a report quotes (“12345”政务服务, “110”), from service_numbers.csv: not
    a local formula as “6543”计划 is.

    >>> "12345" in service_numbers()
    True
    """
    return frozenset(r["text"] for r in read_rows("service_numbers.csv") if r["text"])


@cache
def subarea_words() -> tuple[str, ...]:
    """Words that, before an indicator in the same clause, make the value a part's of the region
    (a new area, a development zone, a park: "三江新区地区生产总值增长16.2%"), from the
    ``subarea`` rows of alias_context.csv.

    >>> "开发区" in subarea_words()
    True
    """
    return _context_cues("subarea")


@cache
def partner_cues() -> tuple[str, ...]:
    """Words that open a trade partner's name before a trade indicator ("对非贸易进出口"), from the
    ``partner`` rows of alias_context.csv.

    >>> partner_cues()
    ('对',)
    """
    return _context_cues("partner")


@cache
def sentence_subarea_words() -> tuple[str, ...]:
    """Zone words that, anywhere earlier in the sentence (up to a ；), make a registry figure the
    zone's ("把临江新区作为…，力争地区生产总值增长16%以上"), from the ``sentence_subarea`` rows of
    alias_context.csv: only zones that report such figures themselves (新区, 开发区 …), not 园区
    or 自贸区, which sentences about the whole city mention as places.

    >>> "新区" in sentence_subarea_words() and "园区" not in sentence_subarea_words()
    True
    """
    return _context_cues("sentence_subarea")


@dataclass(frozen=True)
class Slogan:
    text: str
    category: str
    variants: tuple[str, ...]


@cache
def slogans() -> tuple[Slogan, ...]:
    out = []
    for row in read_rows("slogans.csv"):
        variants = tuple(v for v in (row.get("variants") or "").split("|") if v)
        out.append(Slogan(row["text"], row.get("category") or "", variants))
    return tuple(out)


def indicator_labels() -> dict[str, str]:
    """Registry id → Chinese label, for UI labels and download headers.

    >>> indicator_labels()["gdp_growth"]
    '地区生产总值增速'
    """
    return {k: v.label_zh for k, v in indicators().items()}
