"""Persistence (SQLAlchemy Core over SQLite or PostgreSQL), audit trail, users, schedule, backups.

No Qt here (checked by import-linter).
"""
