-- Speech Metrics database schema (DuckDB). One row per fact; every fact carries
-- the document id, evidence offsets into documents.text, and the rules version
-- (lexicons) that produced it. Offsets are Python string indices (code points)
-- into the ORIGINAL decoded text, end-exclusive.

CREATE TABLE IF NOT EXISTS build_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS documents (
    doc_id             VARCHAR PRIMARY KEY,   -- sha256 of the decoded text, first 16 hex
    source             VARCHAR NOT NULL,      -- path as given / relative to the build root
    file_name          VARCHAR NOT NULL,
    file_format        VARCHAR NOT NULL,      -- txt | docx | pdf | html
    encoding           VARCHAR,               -- detected encoding (utf-8, gb18030, utf-16, ...)
    n_chars            INTEGER NOT NULL,
    title              VARCHAR,
    doc_type           VARCHAR NOT NULL,      -- speech | work_report | other
    speaker            VARCHAR,
    speaker_role       VARCHAR,
    date               DATE,
    year               INTEGER,
    year_source        VARCHAR,               -- how the year was found (dateline, header_date, review_section, plan_year, override, ...)
    level              VARCHAR,               -- national|province|city|county|district|town|street
    province           VARCHAR,
    city               VARCHAR,
    district           VARCHAR,
    town               VARCHAR,
    region_code        VARCHAR,               -- administrative division code when resolved
    region             VARCHAR,               -- display label, e.g. "北京市 通州区 张家湾镇"
    overrides          VARCHAR,               -- JSON list of metadata fields set by a sidecar/manifest
    top_level_sections INTEGER NOT NULL,
    enumerated_items   INTEGER NOT NULL,
    declared_mismatches INTEGER NOT NULL,
    n_targets          INTEGER NOT NULL,
    n_slogans          INTEGER NOT NULL,      -- total dictionary slogan hits
    -- original text shown to users; stored uncompressed: DuckDB decompresses a whole
    -- segment to return one compressed text (55-75 ms at 10k documents), 2 ms uncompressed
    text               VARCHAR USING COMPRESSION uncompressed NOT NULL,
    rules_version      VARCHAR NOT NULL,
    built_at           TIMESTAMP NOT NULL,
    sketch             BIGINT[],              -- near-duplicate sketch (metrics/dedup.py; uint64 bits)
    duplicate_of       VARCHAR,               -- doc_id of the kept twin when this is a near-duplicate, else NULL
    dup_similarity     DOUBLE,                -- estimated similarity to that twin (0.8-1)
    doc_no             INTEGER                -- the document's number in this database (sketch_values)
);

-- Each document's sketch values, one row each (128 a document), for 相似文档: the documents
-- sharing most of one document's values are found by a join on v (30 ms at 100,000 documents;
-- unnesting documents.sketch for it took 90). A full build stores them sorted by v.
CREATE TABLE IF NOT EXISTS sketch_values (
    v             BIGINT NOT NULL,
    doc_no        INTEGER NOT NULL    -- documents.doc_no
);

CREATE TABLE IF NOT EXISTS targets (
    doc_id        VARCHAR NOT NULL,
    idx           INTEGER NOT NULL,
    indicator     VARCHAR NOT NULL,   -- as written
    canonical     VARCHAR NOT NULL,   -- registry id or 'other'
    low           DOUBLE,
    high          DOUBLE,
    unit          VARCHAR,
    qualifier     VARCHAR,            -- exact | about | at_least | at_most
    direction     VARCHAR,            -- growth | reduce | at_most | at_least | level
    kind          VARCHAR NOT NULL,   -- target | achievement | long_term_target
    stretch       DOUBLE,             -- the 力争 value of a two-level target, else NULL
    sentence      VARCHAR NOT NULL,
    start         INTEGER NOT NULL,   -- sentence span in documents.text
    "end"         INTEGER NOT NULL,
    value_start   INTEGER NOT NULL,   -- span of the number itself
    value_end     INTEGER NOT NULL,
    rules_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS outline (
    doc_id        VARCHAR NOT NULL,
    idx           INTEGER NOT NULL,
    level         INTEGER NOT NULL,   -- 1 = top level
    style         VARCHAR NOT NULL,   -- e.g. cn_comma (一、), cn_paren ((一)), arabic_dot (1.), yishi (一是), yiyao (一要), diyi (第一), shouxian (首先)
    marker        VARCHAR NOT NULL,   -- the marker as written, e.g. "(三)"
    ordinal       INTEGER NOT NULL,
    heading       VARCHAR NOT NULL,   -- heading text (first clause after the marker)
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    parent_idx    INTEGER,
    rules_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS declared_counts (
    doc_id        VARCHAR NOT NULL,
    idx           INTEGER NOT NULL,
    phrase        VARCHAR NOT NULL,
    n             INTEGER NOT NULL,   -- declared number
    found         INTEGER,            -- items found (NULL = not checkable)
    mismatch      BOOLEAN NOT NULL,
    form          VARCHAR NOT NULL,   -- 'follows': the items come after it (讲四点意见 …); 'inline': listed just before it (A、B、C三大行动)
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    rules_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS slogans (
    doc_id        VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,   -- canonical form
    kind          VARCHAR NOT NULL,   -- dictionary | formula | quoted | positioning
    category      VARCHAR,            -- dictionary category
    count         INTEGER NOT NULL,
    per_10k       DOUBLE NOT NULL,
    rules_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS slogan_mentions (
    doc_id        VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,   -- canonical form
    kind          VARCHAR NOT NULL,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL
);

-- Where each printed page of a PDF starts in documents.text (other formats have no rows): a
-- figure's page in the original is the last page that starts at or before its offset. A database
-- built before this table existed gets it empty on its next add; its PDFs then show no pages.
CREATE TABLE IF NOT EXISTS pdf_pages (
    doc_id        VARCHAR NOT NULL,
    page          INTEGER NOT NULL,   -- 1, 2, … as printed in order (not the number on the page)
    start         INTEGER NOT NULL
);

-- Formulas and quoted phrases summed per (text, kind, year, doc_type): the 提法 page ranks
-- phrases from this table (a few hundred thousand rows) instead of grouping every slogans row
-- (12.7 M at 100,000 documents) when the filter is on years and document types only.
-- Maintained by the builder (rebuilt by a full build, the touched rows recomputed by an add);
-- build_info.phrase_stats = '1' says it is present and current.
CREATE TABLE IF NOT EXISTS phrase_stats (
    text          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,   -- formula | quoted | positioning
    year          INTEGER,
    doc_type      VARCHAR NOT NULL,
    n_docs        BIGINT NOT NULL,    -- documents with the phrase
    hits          BIGINT NOT NULL,
    regions       VARCHAR[] NOT NULL  -- distinct region labels of those documents, sorted
);

-- Dictionary slogans summed per slogan and document group (year, type, tier, region): the
-- 提法 heatmap and trend read it when no speaker or text search is set (~100,000 rows instead
-- of ~6 M at 100,000 documents). Maintained like phrase_stats; build_info.slogan_stats = '1'.
CREATE TABLE IF NOT EXISTS slogan_stats (
    text          VARCHAR NOT NULL,
    year          INTEGER,
    doc_type      VARCHAR NOT NULL,
    level         VARCHAR,
    province      VARCHAR,
    city          VARCHAR,
    district      VARCHAR,
    town          VARCHAR,
    region        VARCHAR NOT NULL,   -- display label (未知地区 when none)
    count         BIGINT NOT NULL,    -- hits
    n_docs        BIGINT NOT NULL     -- documents with a hit
);

-- Numbers per indicator and document group: the 数字目标 indicator list and the overview's
-- counts per kind read it (~30,000 rows instead of ~19 M at 100,000 documents) when no speaker or
-- text search is set. Maintained like slogan_stats; build_info.target_stats = '1'.
CREATE TABLE IF NOT EXISTS target_stats (
    canonical     VARCHAR NOT NULL,   -- registry id or 'other'
    year          INTEGER,
    doc_type      VARCHAR NOT NULL,
    level         VARCHAR,
    province      VARCHAR,
    city          VARCHAR,
    district      VARCHAR,
    town          VARCHAR,
    region        VARCHAR NOT NULL,
    n             BIGINT NOT NULL,    -- numbers
    n_docs        BIGINT NOT NULL,    -- documents with one
    n_target_docs BIGINT NOT NULL,    -- documents with one of kind 'target'
    n_target      BIGINT NOT NULL,    -- numbers per kind (targets.KINDS)
    n_achievement BIGINT NOT NULL,
    n_long_term_target BIGINT NOT NULL
);

-- Keyword weights per word and document group, and documents with keywords per group: the 提法
-- page's distinctive keywords read them when no speaker or text search is set.
-- Maintained like slogan_stats; build_info.keyword_stats / keyword_docs = '1'.
CREATE TABLE IF NOT EXISTS keyword_stats (
    word          VARCHAR NOT NULL,
    year          INTEGER,
    doc_type      VARCHAR NOT NULL,
    level         VARCHAR,
    province      VARCHAR,
    city          VARCHAR,
    district      VARCHAR,
    town          VARCHAR,
    region        VARCHAR NOT NULL,
    weight        DOUBLE NOT NULL,    -- summed TF-IDF weight
    n_docs        BIGINT NOT NULL     -- documents with the word among their keywords
);

CREATE TABLE IF NOT EXISTS keyword_docs (
    year          INTEGER,
    doc_type      VARCHAR NOT NULL,
    level         VARCHAR,
    province      VARCHAR,
    city          VARCHAR,
    district      VARCHAR,
    town          VARCHAR,
    region        VARCHAR NOT NULL,
    n_docs        BIGINT NOT NULL     -- documents with keywords
);

CREATE TABLE IF NOT EXISTS keywords (
    doc_id        VARCHAR NOT NULL,
    rank          INTEGER NOT NULL,
    word          VARCHAR NOT NULL,
    weight        DOUBLE NOT NULL,
    rules_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS failures (
    source        VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    built_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS duplicates (
    doc_id        VARCHAR NOT NULL,   -- the kept document
    source        VARCHAR NOT NULL    -- a further file with the same content
);
