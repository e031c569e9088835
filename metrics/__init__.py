"""Speech Metrics (讲话指标看板): numeric targets, tasks and slogans from Chinese local
officials' speeches and government work reports, stored in DuckDB and compared in a
Streamlit dashboard."""

__version__ = "0.1.0"
SCHEMA_VERSION = 1  # of the `extract` JSON object
#: of the database (build_info.schema_version): 2 added near-duplicate sketches and marks
DB_SCHEMA_VERSION = 2
