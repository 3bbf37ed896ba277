"""Alembic owns the schema: the migrations build exactly the models, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import heel.store.requests  # noqa: F401 - registers the request tables
from heel.store.models import Base
from heel.store.schema import create_schema


def test_upgrade_matches_the_models(db_url):
    engine = create_engine(db_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
        assert diff == []
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
    assert {"topics", "requests", "outbox_messages"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_upgrade_is_idempotent(db_url):
    create_schema(db_url)
    create_schema(db_url)


def test_downgrade_and_upgrade_again(db_url):
    from alembic import command
    from alembic.config import Config

    from heel.settings import PROJECT_ROOT

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logging"] = False
    engine = create_engine(db_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert not ({"requests", "outbox_messages", "topics"} & set(inspect(engine).get_table_names()))
    create_schema(db_url)
    assert {"requests", "outbox_messages", "topics"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_made_before_alembic_is_adopted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    Base.metadata.tables["topics"].create(engine)  # what the loader's create_all used to make
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO topics (id, intent, title, summary, detail, self_care, see_physio, "
                "related, condition_notes, sources, reviewed, content_hash, updated_at) VALUES "
                "('x', 'ask_x', 'X', 's', 'd', '[]', 'p', '[]', '{}', '[]', '2025-01-01', 'h', "
                "'2025-01-01 00:00:00')"
            )
        )
    create_schema(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM topics")).scalar_one() == 1
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
    engine.dispose()


@pytest.mark.postgres
def test_concurrent_upgrades_on_postgresql_do_not_collide(pg_schema):
    """Front desk and loader may migrate at the same moment: separate processes (Alembic's context is
    process-global), serialised by the advisory lock in migrations/env.py."""
    import subprocess
    import sys

    from heel.settings import PROJECT_ROOT

    url, _schema = pg_schema
    code = "import sys; from heel.store.schema import create_schema; create_schema(sys.argv[1])"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url], cwd=PROJECT_ROOT, stderr=subprocess.PIPE) for _ in range(3)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    engine = create_engine(url)
    assert {"requests", "outbox_messages", "topics"} <= set(inspect(engine).get_table_names())
    engine.dispose()
