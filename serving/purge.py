"""`make purge` (`python -m serving purge`): deletes conversations and front-desk requests older than the retention
period (RETENTION_DAYS, default 365). Run it daily from cron or a systemd timer (docs/operations.md); it is
idempotent and safe beside the running services.

Conversations go by their latest message, so a visitor who keeps chatting keeps their history; requests go by their
last update. The tracker store comes from the same endpoints file the Rasa server uses (RASA_ENDPOINTS).
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional, Sequence

logger = logging.getLogger(__name__)


def tracker_store(endpoints: Path):
    """The configured tracker store when it is ours (the only one that can purge), else None."""
    from rasa.core.utils import read_endpoints_from_path

    from serving.private_store import PrivateSQLTrackerStore

    config = read_endpoints_from_path(str(endpoints)).tracker_store
    if config is None or config.type != f"{PrivateSQLTrackerStore.__module__}.{PrivateSQLTrackerStore.__name__}":
        return None
    return PrivateSQLTrackerStore(host=config.url, **config.kwargs)


def purge(days: int, endpoints: Path, database_url: Optional[str] = None) -> tuple[int, int]:
    """(conversations, requests) deleted."""
    from heel.store import requests_repo

    store = tracker_store(endpoints)
    conversations = 0
    if store is None:
        logger.warning("%s: the tracker store is not serving.private_store; conversations not purged", endpoints)
    else:
        conversations = store.delete_idle_before(time.time() - days * 86400)
    requests = requests_repo.delete_older_than(datetime.utcnow() - timedelta(days=days), url=database_url)
    return conversations, requests


def main(argv: Optional[Sequence[str]] = None) -> int:
    from heel.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m serving purge", description=__doc__)
    parser.add_argument("--days", type=int, default=settings.retention_days, help="retention period in days")
    parser.add_argument("--endpoints", type=Path, default=settings.rasa_endpoints)
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    conversations, requests = purge(args.days, args.endpoints)
    print(f"purged {conversations} conversation(s) and {requests} request(s) older than {args.days} days")
    return 0
