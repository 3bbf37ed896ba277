"""python -m frontdesk: the staff page, JSON API and outbox worker on FRONTDESK_PORT (default 8081)."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from frontdesk.app import create_app
from heel.settings import get_settings
from heel.store.schema import create_schema

logger = logging.getLogger("frontdesk")


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=settings.frontdesk_host)
    parser.add_argument("--port", type=int, default=settings.frontdesk_port)
    args = parser.parse_args()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        create_schema()
    except Exception as exc:  # noqa: BLE001 - start anyway: the page says the database is down, the worker waits
        logger.error("could not migrate the clinic database at start-up: %s", type(exc).__name__)
    app = create_app(settings)
    where = "FRONTDESK_TOKEN" if settings.frontdesk_token else str(settings.var_dir / "frontdesk_token")
    logger.info("front desk on http://%s:%s/ (token from %s)", args.host, args.port, where)
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
