"""The workspace results store: SQLite (WAL) + content-addressed field images beside it."""
