"""The Rasa process's SQLite connections use write-ahead logging; nothing else is touched."""

import sqlite3

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from serving import sqlite_tuning


def test_a_tuned_connection_uses_wal_and_normal_sync(tmp_path):
    connection = sqlite3.connect(tmp_path / "tracker.db")
    sqlite_tuning._tune(connection, None)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    connection.close()


def test_install_tunes_sqlite_engines_opened_afterwards(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_tuning, "_installed", False)
    sqlite_tuning.install()
    try:
        engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        engine.dispose()
    finally:
        event.remove(Engine, "connect", sqlite_tuning._tune)


def test_other_databases_are_left_alone():
    sqlite_tuning._tune(object(), None)  # e.g. a psycopg2 connection: nothing to do, no error
