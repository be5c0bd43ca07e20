//! The embedded archive: SQLite schema and migrations, content-addressed raw blobs, articles, versions, sources, deduplication.
