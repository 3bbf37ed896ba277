"""Fixtures for booking tests: a clinic.yml, and clinic databases on SQLite and on the real PostgreSQL server
(each test gets its own schema, dropped afterwards, so runs in parallel do not see each other)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

CLINIC_YML = """\
name: Test Physio
phone: "020 7946 0018"
emergency_number: "999"
timezone: Europe/London
opening_hours:
  mon-fri: "08:00-19:00"
  saturday: "09:00-13:00"
  sunday: closed
"""
# Tests may point at another server; the default is the shared one from the brief (trust auth, database test).
PG_ADMIN_URL = os.environ.get("BOOKING_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


PG_UP = pg_available()


def schema_url(base_url: str, schema: str) -> str:
    """The same database, with search_path set to `schema` (tables and alembic_version live there)."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """(url, schema) of a fresh schema in the test database."""
    if not PG_UP:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    schema = f"booking_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema_url(PG_ADMIN_URL, schema), schema
    finally:
        from heel.store import db

        db.dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clinic_file(tmp_path) -> Path:
    path = tmp_path / "clinic.yml"
    path.write_text(CLINIC_YML)
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A migrated, empty clinic database on each back end."""
    from heel.store.schema import create_schema

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'clinic.db'}"
    else:
        url, _schema = request.getfixturevalue("pg_schema")
    create_schema(url)
    return url


@pytest.fixture
def booking_env(tmp_path, monkeypatch, clinic_file):
    """Settings pointing at a temporary var dir, clinic.yml and a migrated SQLite database."""
    yield from _configure(tmp_path, monkeypatch, clinic_file, f"sqlite:///{tmp_path / 'clinic.db'}")


@pytest.fixture
def booking_env_any(tmp_path, monkeypatch, clinic_file, db_url):
    """Like booking_env, once per database back end."""
    yield from _configure(tmp_path, monkeypatch, clinic_file, db_url)


def _configure(tmp_path, monkeypatch, clinic_file, url):
    from heel import settings as config
    from heel.store import db
    from heel.store.schema import create_schema

    monkeypatch.setenv("HEEL_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HEEL_CLINIC_FILE", str(clinic_file))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FRONTDESK_TOKEN", "test-token")
    for name in ("SMTP_HOST", "FRONTDESK_EMAIL", "NOTIFY_WEBHOOK_URL", "NOTIFY_WEBHOOK_SECRET", "RASA_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config.get_settings.cache_clear()
    config._clinic_cache.clear()
    db.dispose_engines()
    create_schema(url)
    yield config.get_settings()
    db.dispose_engines()
    config.get_settings.cache_clear()
    config._clinic_cache.clear()
