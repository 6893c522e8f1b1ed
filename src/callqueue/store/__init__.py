"""The store: SQLModel tables, the database engine, and versioned migrations."""
