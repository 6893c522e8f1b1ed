"""Versioned schema migrations (Alembic). Never edit a released migration; add a new one."""
