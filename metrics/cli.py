"""Command line: ``python -m metrics build | extract | count | export | evaluate | bench``.

Exit codes (all commands):

* 0 — success, every file read;
* 1 — finished, but at least one file failed (each failure printed as ``path: reason``);
* 2 — usage error (bad option or argument);
* 3 — fatal: the database could not be written (another build holds the lock, disk error).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .filters import DOC_TYPE_LABELS, LEVEL_ORDER, YEAR_MAX, YEAR_MIN
from .reader import Limits

DEFAULT_DB = "speech_metrics.duckdb"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="speech-metrics")
def main() -> None:
    """Speech Metrics (讲话指标看板): numeric targets, tasks and slogans from Chinese
    officials' speeches and work reports.

    \b
    Exit codes: 0 ok; 1 some files failed (the rest were processed);
    2 usage error; 3 the database could not be written.
    """


def _limits(max_mb: float) -> Limits:
    return Limits(max_file_bytes=int(max_mb * 1024 * 1024))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--db", "db", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              envvar="SPEECH_METRICS_DB", help="Database file to write (replaced atomically).")
@click.option("--workers", "-j", type=click.IntRange(1, 64), default=None, help="Worker processes [default: CPU count].")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with a 'file' column and metadata columns that override extraction.")
@click.option("--add", "incremental", is_flag=True, help="Add to the existing database instead of rebuilding it.")
@click.option("--max-file-mb", type=click.FloatRange(0.001), default=50.0, show_default=True, help="Refuse larger files.")
@click.option("--max-files", type=click.IntRange(1), default=None, help="Refuse more files than this in one build.")
@click.option("--lock-timeout", type=click.FloatRange(0), default=600.0, show_default=True,
              help="Seconds to wait for another build to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def build(paths, db, workers, manifest, incremental, max_file_mb, max_files, lock_timeout, as_json, quiet):
    """Read every .txt/.docx/.pdf/.html under PATHS (default: data/), analyse each and write a
    DuckDB database. Unreadable files are reported (path: reason) and skipped."""
    from .build import BuildError, ManifestError, NoInput, build_database

    paths = list(paths) or [Path("data")]
    if missing := [str(p) for p in paths if not p.exists()]:
        # a mistyped path must not rebuild the database from the others alone (or add a failure row)
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}; {db} was not changed")
    if not Path(db).parent.exists():  # as export: a mistyped folder is not made
        raise click.UsageError(f"{db}: no such folder {Path(db).parent}")
    bar = None
    progress = None
    if not quiet and sys.stderr.isatty():
        bar = click.progressbar(length=1, label="analysing", file=sys.stderr, show_pos=True)
        bar.__enter__()

        def progress(done, total, source):
            bar.length = total
            bar.update(done - bar.pos)
    elif not quiet:
        def progress(done, total, source):
            if done == total or done % 500 == 0:
                click.echo(f"analysed {done}/{total} files", err=True)
    try:
        report = build_database(paths, db, workers=workers, progress=progress, manifest=manifest,
                                limits=_limits(max_file_mb), lock_timeout=lock_timeout, max_files=max_files,
                                incremental=incremental)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(3)
    except (NoInput, ManifestError) as exc:
        raise click.UsageError(f"{exc}; {db} was not changed" if isinstance(exc, ManifestError) else str(exc)) from None
    except OSError as exc:
        click.echo(f"error: cannot write database {db}: {exc}", err=True)
        sys.exit(3)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for source, reason in report.failures:
        click.echo(f"{source}: {reason}", err=True)
    for doc_id, source in report.duplicates:
        click.echo(f"{source}: duplicate of document {doc_id}, not added again", err=True)
    if report.unchanged:
        click.echo(f"{_counted(len(report.unchanged), 'file')} already in the database, unchanged: not analysed again", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        mb = report.bytes_read / 1e6
        click.echo(f"{_counted(report.added, 'document')} added to {db} in {report.seconds:.1f} s "
                   f"({mb:.1f} MB, {mb / max(report.seconds, 1e-9):.1f} MB/s); "
                   f"{len(report.failures)} failed, {len(report.duplicates)} duplicates", err=True)
        if report.near_duplicates:
            click.echo(f"{report.near_duplicates} documents in the database are near-duplicates of another "
                       "(left out of counts unless --with-duplicates / 包括近似重复的文档)", err=True)
    sys.exit(0 if report.ok else 1)


def _counted(n: int, noun: str) -> str:
    """ "1 document", "2,000 documents", "12 files".

    >>> _counted(1, "document"), _counted(2000, "document"), _counted(12, "file")
    ('1 document', '2,000 documents', '12 files')
    """
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--max-file-mb", type=click.FloatRange(0.001), default=50.0, show_default=True)
@click.option("--pretty", is_flag=True, help="Indent the JSON (one object per file still).")
def extract(files, max_file_mb, pretty):
    """Analyse FILES and print one JSON object per file (JSON Lines, UTF-8).

    An unreadable file gives {"source": ..., "error": ...}; the exit status is 1 if any
    file failed."""
    from .analyze import analyze
    from .build import sidecar_overrides
    from .reader import ReadError, read_document

    failed = False
    out = click.get_text_stream("stdout", encoding="utf-8")
    for path in files:
        source = str(path)
        try:
            raw = read_document(path, source, _limits(max_file_mb))
            obj = analyze(raw.text, source=source, overrides=sidecar_overrides(path, {})).to_json()
        except ReadError as exc:
            obj, failed = {"source": source, "error": str(exc)}, True
        except Exception as exc:  # never a traceback for one bad file
            obj, failed = {"source": source, "error": f"analysis failed: {type(exc).__name__}: {exc}"}, True
        out.write(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None) + "\n")
        out.flush()
    sys.exit(1 if failed else 0)


_FILTER_FIELDS = ("province", "city", "district", "town", "level", "doc_type", "year_from", "year_to", "speaker", "text",
                  "duplicates")


def filter_options(command):
    """The dashboard's document filters as options (the same :class:`~metrics.filters.Filters`)."""
    options = [
        click.option("--db", "db", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
                     show_default=True, envvar="SPEECH_METRICS_DB", help="Database to read."),
        click.option("--url", default=None, help="A dashboard address (or its ?query): use the filters it shows; "
                     "options given as well replace the address's value for that filter."),
        click.option("--province", multiple=True, help="Only documents of this province (repeatable); 全国: the national documents."),
        click.option("--city", multiple=True, help="Only documents of this city (repeatable)."),
        click.option("--district", multiple=True, help="Only documents of this district or county (repeatable)."),
        click.option("--town", multiple=True, help="Only documents of this town or street (repeatable)."),
        click.option("--level", multiple=True, type=click.Choice(LEVEL_ORDER),
                     help="Only documents of this administrative level (repeatable)."),
        click.option("--year-from", type=click.IntRange(YEAR_MIN, YEAR_MAX), default=None,
                     help="Only documents of this year or later."),
        click.option("--year-to", type=click.IntRange(YEAR_MIN, YEAR_MAX), default=None,
                     help="Only documents of this year or earlier (a reversed range is swapped)."),
        click.option("--doc-type", type=click.Choice(tuple(DOC_TYPE_LABELS)), multiple=True),
        click.option("--speaker", default=None, help="Speaker's name contains this."),
        click.option("--text", default=None, help="Full text contains this."),
        click.option("--with-duplicates/--without-duplicates", "duplicates", default=None,
                     help="Include near-duplicates (another file of the same document; left out by default, "
                          "as on the dashboard)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(url: str | None, **given):
    """Filters from a dashboard address plus explicit options (an option given replaces that field).

    >>> f = _filters("http://localhost:8501/targets?province=四川省&from=2024&ind=gdp_growth", year_to=2024, city=())
    >>> (f.province, f.year_from, f.year_to)
    (('四川省',), 2024, 2024)
    """
    import dataclasses
    from urllib.parse import parse_qs, urlsplit

    from .filters import Filters

    query = "" if not url else urlsplit(url).query if "?" in url or "://" in url else url.lstrip("?")
    params = parse_qs(query)
    f = Filters.from_query_params(params)
    if url and f == Filters():
        what = "no dashboard filter it can apply" if params else "no dashboard filters"
        click.echo(f"warning: --url {url!r} holds {what}: all documents are used", err=True)
    changes = {k: v for k, v in given.items() if k in _FILTER_FIELDS and v not in (None, (), "")}
    years = [changes.get("year_from", _year(params, "from")), changes.get("year_to", _year(params, "to"))]
    if None not in years and years[0] > years[1]:  # the dashboard says so too ("前后颠倒")
        click.echo(f"warning: the years are reversed ({years[0]} to {years[1]}): {years[1]}–{years[0]} is used", err=True)
    return dataclasses.replace(f, **changes)


def _year(params: dict, name: str) -> int | None:
    """A year parameter of a dashboard address as given (before the filters swap a reversed pair)."""
    from .filters import parse_year

    return parse_year(params.get(name))


def _as_linked(con, f, url: str | None):
    """With --url, the regions the dashboard applies for that link: a city outside the link's
    provinces, or a name no document has, is dropped there with a notice, and here with a warning.
    Without it, a region name no document has is applied as given and named in a warning, with
    the names it may stand for (山东 → 山东省)."""
    from .filters import REGION_LABELS, region_names
    from .ui.queries import facet_values, region_options

    paths = list(region_options(con).itertuples(index=False, name=None))
    kept, dropped = f.within_regions(paths)
    if url:
        if dropped:
            named = "、".join(f"{REGION_LABELS[name]}「{value}」" for name, value in dropped)
            click.echo(f"warning: {named} of --url matches no document under the other regions chosen "
                       "(the dashboard leaves it out too): not applied", err=True)
        # a year at the data's first or last is the slider at its end: no limit, which keeps the
        # documents of no known year, as the page does (QA pass 14: from=2012&to=2024 gave 142, not 143)
        return kept.within_years(facet_values(con)["years"])
    for name, value in dropped:
        known = region_names(paths, name)
        if value not in known:  # (a name under another province is the user's to choose)
            like = sorted(k for k in known if k.startswith(value) or value in k)[:3]
            click.echo(f"warning: no document has {name} {value!r}" + (f"; did you mean {'、'.join(like)}?" if like else ""),
                       err=True)
    return f


def _open_db(db: Path):
    import duckdb

    from .ui.queries import schema_problem

    # a file that is no database of ours is a bad --db (usage error, exit 2), as a missing one is
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise click.BadParameter(f"{db}: cannot open the database ({exc})", param_hint="'--db'") from exc
    problem = schema_problem(con)
    if problem:
        con.close()
        raise click.BadParameter(f"{db}: {problem}", param_hint="'--db'")
    return con


@main.command()
@click.argument("phrases", nargs=-1, required=True)
@filter_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of CSV.")
def count(phrases, db, url, as_json, **given):
    """Count PHRASES exactly in the full text of every document in the database: one CSV row per
    phrase and document with at least one occurrence (count, per 10,000 characters, the first
    occurrence in context). Same rule as the dashboard's 自定义提法: a phrase written with 、 also
    matches , ， a space or nothing; full-width letters and digits match half-width ones; an
    argument holding ; or ； is several phrases, each counted."""
    from . import export
    from . import phrases as ph
    from .ui.queries import count_docs, phrase_docs

    wanted = ph.parse_phrases("\n".join(phrases), limit=sys.maxsize)  # every one given (QA pass 15)
    for cut in ph.cut_phrases("\n".join(phrases)):
        click.echo(f"warning: a phrase is at most {ph.MAX_LENGTH} characters; counted: {cut[:ph.MAX_LENGTH]}", err=True)
    if not wanted:
        raise click.BadParameter("give at least one phrase that is not empty", param_hint="PHRASES")
    f = _filters(url, **given)
    con = _open_db(db)
    try:
        f = _as_linked(con, f, url)
        df = phrase_docs(con, f, wanted)
        searched = not df.empty or count_docs(con, f)  # counted only when nothing was found
    finally:
        con.close()
    if not searched:
        # "not found: 高质量发展" would blame the phrase for a filter that leaves nothing to search
        raise click.UsageError(f"the filter matches no document in {db} ({f.describe(0)}); nothing was searched")
    df = df.assign(per_10k=ph.per_10k(df["count"], df["n_chars"]))
    df = df[["text", "doc_id", "title", "year", "region", "n_chars", "count", "per_10k", "example"]]
    df = df.rename(columns={"text": "phrase"})
    out = click.get_text_stream("stdout", encoding="utf-8")
    if as_json:
        for rec in json.loads(df.to_json(orient="records", force_ascii=False)):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        out.write(export.neutralise_frame(df).to_csv(index=False, lineterminator="\n"))
    missing = [p for p in wanted if p not in set(df["phrase"])]
    if missing:
        click.echo("not found: " + ", ".join(missing), err=True)


@main.command()
@click.argument("document")
@click.option("--db", "db", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, envvar="SPEECH_METRICS_DB", help="Database to read.")
@click.option("-n", "limit", type=click.IntRange(1, 100), default=10, show_default=True, help="How many documents.")
@click.option("--min", "min_similarity", type=click.FloatRange(0, 1), default=None,
              help="Leave out documents less similar than this (below it: shared boilerplate phrases). [default: similar_min of metrics/data/near_duplicates.toml, 0.05 as shipped]")
def similar(document, db, limit, min_similarity):
    """The documents whose text is most like DOCUMENT's (a doc_id, a source path or a file name), in
    any region or year, as on 单篇文档's 相似文档: CSV of doc_id, title, region, year, doc_type,
    near_duplicate (the two are marked near-duplicates of each other) and similarity (the estimated
    share of 5-character shingles in common, 0-1).
    A region's report reuses the previous year's; a copied or templated text shows up from another
    region; from the threshold of metrics/data/near_duplicates.toml on (0.8 as shipped), in the
    same year and region, it is a near-duplicate."""
    from . import export
    from .ui.queries import SIMILAR_MIN, similar_docs

    con = _open_db(db)
    try:
        doc_id = _document_id(con, document, db)
        group = con.execute("SELECT coalesce(duplicate_of, doc_id) FROM documents WHERE doc_id = ?", [doc_id]).fetchall()[0][0]
        df = similar_docs(con, doc_id, limit, SIMILAR_MIN if min_similarity is None else min_similarity)
    finally:
        con.close()
    # the pair is marked: both in one near-duplicate group (one kept, the other left out of counts)
    df = df.assign(near_duplicate=df["duplicate_of"].fillna(df["doc_id"]) == group)
    df = df[["doc_id", "title", "region", "year", "doc_type", "near_duplicate", "similarity"]]
    if df.empty:
        click.echo(f"no document is at least {SIMILAR_MIN if min_similarity is None else min_similarity:g} similar to "
                   f"{document} (lower --min to see more)", err=True)
    click.get_text_stream("stdout", encoding="utf-8").write(
        export.neutralise_frame(df).to_csv(index=False, lineterminator="\n"))


def _document_id(con, document: str, db: Path, param: str = "DOCUMENT") -> str:
    """The doc_id of DOCUMENT given as a doc_id, a source path or a file name (the first, with a
    warning, when several documents have that name); none is a usage error (exit 2)."""
    found = con.execute("SELECT doc_id FROM documents WHERE doc_id = ? OR source = ? OR file_name = ? "
                        "ORDER BY doc_id <> ?, source <> ?, source", [document] * 5).fetchall()
    if not found:
        # a file with the same text as one already built was recorded as its duplicate, not stored again
        same = con.execute("SELECT u.doc_id, d.source FROM duplicates u JOIN documents d USING (doc_id) "
                           "WHERE u.source = ? OR u.source LIKE ? ESCAPE '\\' ORDER BY u.source = ? DESC, u.source",
                           [document, "%/" + document.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"),
                            document]).fetchall()
        if same:
            click.echo(f"note: {document} has the same text as {same[0][1]}, stored once; using that document",
                       err=True)
            return same[0][0]
        raise click.BadParameter(f"{document}: no such document in {db} (give a doc_id, source or file name)",
                                 param_hint=param)
    names = {r[0] for r in found}
    if len(names) > 1 and found[0][0] != document:
        click.echo(f"warning: {len(names)} documents are named {document}; using {found[0][0]}", err=True)
    return found[0][0]


@main.command()
@click.argument("document")
@click.argument("other")
@click.option("--db", "db", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, envvar="SPEECH_METRICS_DB", help="Database to read.")
def shared(document, other, db):
    """The passages of DOCUMENT whose wording OTHER repeats (each a doc_id, a source path or a file
    name), as on 单篇文档's 共同段落: CSV of start, end and text in DOCUMENT, other_start, other_end
    and other_text in OTHER, and chars (characters shared; only CJK characters, digits and letters
    count, runs of 8 alike, passages of 20 or more, as set in
    metrics/data/near_duplicates.toml). The shares of each text found in the other go
    to stderr."""
    from . import export
    from .ui.queries import shared_passages

    con = _open_db(db)
    try:
        a, b = _document_id(con, document, db), _document_id(con, other, db, "OTHER")
        if a == b:
            raise click.UsageError(f"{document} and {other} are the same document ({a}): give two")
        found = shared_passages(con, a, b)
    finally:
        con.close()
    n = len(found["passages"])
    click.echo(f"{document}: {found['share']:.1%} of {found['counted']:,} characters found in {other}; "
               f"{other}: {found['other_share']:.1%} of {found['other_counted']:,} found in {document}; "
               f"{n} passage{'' if n == 1 else 's'}", err=True)
    click.get_text_stream("stdout", encoding="utf-8").write(
        export.neutralise_frame(found["passages"]).to_csv(index=False, lineterminator="\n"))


EXPORT_TABLES = ("documents", "targets", "outline", "declared_counts", "slogans", "keywords", "codebook")
_EXPORT_FORMATS = (".xlsx", ".json", ".zip", ".csv")
#: rows of the whole dataset above which .xlsx / .json (built in memory) are refused; .zip and
#: .csv are streamed by DuckDB at any size
EXPORT_IN_MEMORY_MAX_ROWS = 2_000_000


@main.command("export")
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@filter_options
@click.option("--table", "tables", multiple=True, type=click.Choice(EXPORT_TABLES),
              help="Only this table (repeatable) [default: all, as the dashboard's 下载筛选后的完整数据].")
@click.option("--labels", type=click.Choice(["codes", "zh"]), default="codes", show_default=True,
              help="codes: the database's column names and codes (achievement, at_least, gdp_growth), for "
                   "scripts; zh: Chinese table names, headers and labels (完成, 以上/不低于, 地区生产总值增速), "
                   "as the dashboard's 中文 download. --table takes the codes' names either way.")
def export_command(out, db, url, tables, labels, **given):
    """Write the filtered dataset to OUT: documents (no full text), targets, outline, declared_counts,
    slogans, keywords and a codebook of their columns, exactly as the dashboard's download.
    OUT's suffix picks the format: .xlsx (one sheet per table and a 说明 sheet), .json, .zip (one
    CSV per table and 说明.csv) or .csv (one table, with --table); '-' writes one table as CSV to
    stdout. Text that a spreadsheet would run as a formula is defused. The filters, the rules
    version and the export time are stated in the 说明 sheet, the JSON's meta and 说明.csv; a CSV
    file is the plain table (header, rows), which any CSV reader takes as it is.

    \b
    python -m metrics export sichuan-2024.xlsx --province 四川省 --year-from 2024 --year-to 2024
    python -m metrics export - --table targets --url "http://localhost:8501/targets?province=四川省"
    python -m metrics export 四川.xlsx --province 四川省 --labels zh
    """
    import os
    import shutil
    import tempfile
    import zipfile

    from . import export
    from .codebook import codebook, readable_sql, table_label
    from .ui.queries import build_info, count_docs, dataset_columns, dataset_rows, dataset_sql, full_dataset

    suffix = ".csv" if str(out) == "-" else out.suffix.lower()
    if suffix not in _EXPORT_FORMATS:
        raise click.UsageError(f"{out}: the file name must end in " + ", ".join(_EXPORT_FORMATS) + " (or be '-')")
    if suffix == ".csv" and len(tables) != 1:
        raise click.UsageError("a .csv (or '-') holds one table: give exactly one --table")
    f = _filters(url, **given)
    names = [t for t in EXPORT_TABLES if not tables or t in tables]
    here = out.parent if str(out) != "-" else None  # the temporary files sit beside OUT
    if here is not None and not here.is_dir():
        raise click.UsageError(f"{out}: no such folder {here}")
    con = _open_db(db)
    try:
        f = _as_linked(con, f, url)
        n_docs = count_docs(con, f)
        if not n_docs:  # as count: an empty export is a filter that matches nothing (a typo?)
            raise click.UsageError(f"the filter matches no document in {db} ({f.describe(0)}); nothing was written")
        left_out = 0 if f.duplicates else count_docs(con, f.replace(duplicates=True)) - n_docs
        rules = build_info(con).get("rules_version", "unknown")
        meta = export.ExportMeta(title="筛选后的完整数据" if len(names) > 1 else f"表 {names[0]}",
                                 filters=f.describe(n_docs, left_out), rules_version=rules, query=f.to_query_params())
        with tempfile.TemporaryDirectory(prefix=".export-", dir=here) as tmp:
            part = os.path.join(tmp, "out")
            # DuckDB sorts each table for the file: within 1 GB, spilling to the export's folder
            con.execute("SET memory_limit = '1GB'")
            con.execute("SET temp_directory = ?", [os.path.join(tmp, "spill")])
            sqls = {t: sql for t, sql in dataset_sql(f).items() if t in names}
            empty = dataset_columns(con, sqls)  # each table's columns
            readable = labels == "zh"
            named = {n: table_label(n) if readable else n for n in names}  # each table's name in the file
            if suffix in (".xlsx", ".json"):  # built in memory: bounded
                n_rows = dataset_rows(con, f)
                if n_rows > EXPORT_IN_MEMORY_MAX_ROWS:
                    raise click.ClickException(
                        f"{n_rows:,} rows are too many for {suffix} (built in memory; at most "
                        f"{EXPORT_IN_MEMORY_MAX_ROWS:,}): export to .zip, which is streamed")
                data = {name: df for name, df in full_dataset(con, f, readable).items() if name in named.values()}
                if tables and "codebook" in names:  # of the tables exported only
                    data[named["codebook"]] = codebook(empty)
                counts = {name: len(df) for name, df in data.items()}
                payload = export.to_xlsx_bytes(data, meta) if suffix == ".xlsx" else export.to_json_bytes(data, meta)
                with open(part, "wb") as fh:
                    fh.write(payload)
            else:  # CSV: every table streamed by DuckDB, flat memory at any size
                files, counts = {}, {}
                for name in names:
                    files[name] = os.path.join(tmp, f"{export.safe_filename(named[name])}.csv")
                    if name == "codebook":
                        book = codebook(empty)
                        counts[named[name]] = len(book)
                        with open(files[name], "wb") as fh:
                            fh.write(export.to_csv_bytes(book))
                    else:
                        sql, params = sqls[name]
                        if readable:
                            sql, params = readable_sql(name, list(empty[name].columns), sql, params)
                        counts[named[name]] = export.query_to_csv(con, sql, params, files[name])
                if suffix == ".zip":
                    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                        for path in files.values():
                            zf.write(path, os.path.basename(path))
                        zf.writestr(f"{export.PROVENANCE_NAME}.csv", export.provenance_csv(meta))
                else:
                    part = files[names[0]]
            if str(out) == "-":
                with open(part, "rb") as fh:
                    if fh.read(3) != export.BOM.encode("utf-8"):  # a BOM is for a spreadsheet, not a pipe
                        fh.seek(0)
                    shutil.copyfileobj(fh, click.get_binary_stream("stdout"))
            else:
                os.replace(part, out)  # written next to OUT, then renamed: never half a file
    except BrokenPipeError:
        # "| head" read what it wanted: end quietly, and successfully (the rest goes nowhere)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        click.echo(f"Error: {out}: cannot write ({exc})", err=True)
        sys.exit(3)  # as a build that cannot write its database
    finally:
        con.close()
    rows = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    click.echo(f"{out}: {_counted(n_docs, 'document')} ({f.describe(n_docs, left_out)}); rows: {rows}", err=True)


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"), show_default=True,
              help="Where the labels' files live (a label's 'file', or seeds/<id>.txt).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--details", is_flag=True, help="List every miss and false positive.")
def evaluate(gold, files, data_dir, as_json, details):
    """Compare extraction with hand labels (JSON Lines in the format of seeds.jsonl) and print
    precision / recall / F1 per field. FILES restricts the run to those documents."""
    from .evaluate import GoldError, evaluate_gold, format_report

    try:
        result = evaluate_gold(gold, data_dir, [Path(f) for f in files] or None)
    except GoldError as exc:
        raise click.BadParameter(str(exc), param_hint="GOLD") from None
    if not result["documents"] and not result.get("errors"):
        raise click.BadParameter(f"none of {', '.join(map(str, files))} is labelled in {gold}", param_hint="FILES")
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(format_report(result, details=details))
    for e in result.get("errors", ()):  # on stderr, as every command's errors (the scores go to stdout)
        click.echo(f"error: {e['file']}: {e['error']}", err=True)
    sys.exit(1 if result.get("errors") else 0)


#: the largest benchmark corpus (1,000,000 documents are about 43 GB of files)
BENCH_MAX_DOCS = 1_000_000


def _sizes(ctx, param, value: str) -> list[int]:
    """--sizes: whole numbers of documents, at least one, each 1 or more."""
    out = []
    for part in (value or "").split(","):
        if part.strip():
            try:
                n = int(part.strip().replace("_", ""))
            except ValueError:
                raise click.BadParameter(f"{part.strip()!r} is not a whole number of documents") from None
            if n < 1:
                raise click.BadParameter(f"{n} documents: a corpus needs at least 1")
            if n > BENCH_MAX_DOCS:
                raise click.BadParameter(f"{n:,} documents: at most {BENCH_MAX_DOCS:,} (each is a file on disk)")
            out.append(n)
    if not out:
        raise click.BadParameter("give at least one size, e.g. 1000,10000")
    return out


@main.command()
@click.option("--sizes", default="1000,10000", show_default=True, callback=_sizes,
              help="Comma-separated corpus sizes (documents).")
@click.option("--workers", "-j", type=click.IntRange(1, 64), default=None)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-results"), show_default=True,
              help="Folder for the results (latest.md, latest.json and a dated copy).")
@click.option("--source", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("data"), show_default=True)
@click.option("--publish", is_flag=True,
              help="Also write the results page docs/benchmark.md of this source checkout (the one README links to).")
def bench(sizes, workers, out, source, publish):
    """Benchmark: synthetic corpora from data/, full builds, per-stage times, memory,
    database size, dashboard query latencies, and the jieba reference."""
    from .bench import BenchSourceError, run_bench

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        click.echo(f"Error: --out {out}: cannot write ({exc.strerror or exc})", err=True)
        sys.exit(3)  # as a build that cannot write its database
    try:
        run_bench(sizes, workers=workers, out_dir=out, source=source, docs_path="auto" if publish else None)
    except BenchSourceError as exc:
        raise click.BadParameter(str(exc), param_hint="--source") from None


if __name__ == "__main__":
    main()
