"""Persistence: SQLAlchemy models, sessions and repository functions. Actions call only the repositories."""
