"""Schema management: Alembic owns the clinic database schema (migrations/)."""

from __future__ import annotations

from typing import Optional

from heel.store.db import get_engine


def create_schema(url: Optional[str] = None) -> None:
    # Alembic owns the schema (migrations/); `upgrade head` is idempotent and safe to run at every start.
    from alembic import command
    from alembic.config import Config

    from heel.settings import PROJECT_ROOT

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logging"] = False  # keep the caller's logging set-up
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
