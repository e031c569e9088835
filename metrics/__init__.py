"""Speech Metrics (讲话指标看板): numeric targets, tasks and slogans from Chinese local
officials' speeches and government work reports, stored in DuckDB and compared in a
Streamlit dashboard."""

__version__ = "0.1.0"
SCHEMA_VERSION = 1  # of the `extract` JSON object
#: of the database (build_info.schema_version): 2 added near-duplicate sketches and marks, 3 the
#: form of a declared count (declared_counts.form)
DB_SCHEMA_VERSION = 3
#: what this schema version adds, for the message that asks to rebuild an older database
DB_SCHEMA_ADDS = ("the form of declared counts (items after it, or listed inline)", "声明数量的列举形式（其后列举或前文并列）")
