"""The SQLite tracker store of the embedded defaults, tuned for several Rasa workers writing at once.

Rasa opens SQLite in its default rollback-journal mode: every save takes a lock on the whole file that also keeps
readers out, and waits for the disk twice. Write-ahead logging lets the workers read while one writes, and
`synchronous=NORMAL` (safe with WAL: a crash of the process loses nothing; a power cut may lose the last turns)
waits for the disk once per checkpoint instead of per save. Only SQLite connections opened in the Rasa process are
touched; PostgreSQL (production) and the clinic database (action server, front desk) are not.
"""

from __future__ import annotations

import sqlite3
from typing import Any

_installed = False


def _tune(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def install() -> None:
    """Tunes every SQLite connection this process opens from now on (idempotent)."""
    global _installed
    if _installed:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _tune)
    _installed = True
