"""Loads content/topics/*.yml into the content store. Idempotent: unchanged topics are not rewritten.

Run: python -m heel.store.loader
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from sqlalchemy import select

from heel.settings import get_settings
from heel.store.db import session_scope
from heel.store.models import Topic
from heel.store.schema import create_schema

logger = logging.getLogger(__name__)

REQUIRED = ("id", "intent", "title", "summary", "detail", "see_physio", "sources", "reviewed")


class ContentError(ValueError):
    """A topic file is incomplete or inconsistent."""


@dataclass
class LoadReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


def read_topic_file(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    missing = [key for key in REQUIRED if not data.get(key)]
    if missing:
        raise ContentError(f"{path.name}: missing {', '.join(missing)}")
    if data["id"] != path.stem:
        raise ContentError(f"{path.name}: id {data['id']!r} does not match the file name")
    for source in data["sources"]:
        if not isinstance(source, dict) or not source.get("title"):
            raise ContentError(f"{path.name}: every source needs a title")
    if isinstance(data["reviewed"], str):
        data["reviewed"] = date.fromisoformat(data["reviewed"])
    data.setdefault("related", [])
    data.setdefault("self_care", [])
    data.setdefault("condition_notes", {})
    return data


def read_content_dir(content_dir: Path) -> List[Dict[str, Any]]:
    topics = [read_topic_file(path) for path in sorted(content_dir.glob("*.yml"))]
    ids = {topic["id"] for topic in topics}
    for topic in topics:
        unknown = [ref for ref in topic["related"] if ref not in ids]
        if unknown:
            raise ContentError(f"{topic['id']}: related topics not found: {unknown}")
    return topics


def _hash(topic: Dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(topic, sort_keys=True, default=str).encode()).hexdigest()


def load_content(content_dir: Optional[Path] = None, url: Optional[str] = None) -> LoadReport:
    content_dir = content_dir or get_settings().content_dir
    topics = read_content_dir(content_dir)
    create_schema(url)
    report = LoadReport()
    with session_scope(url) as session:
        existing = {row.id: row for row in session.execute(select(Topic)).scalars()}
        for topic in topics:
            digest = _hash(topic)
            row = existing.pop(topic["id"], None)
            if row is not None and row.content_hash == digest:
                report.unchanged += 1
                continue
            if row is None:
                row = Topic(id=topic["id"])
                session.add(row)
                report.inserted += 1
            else:
                report.updated += 1
            for key in (
                "intent",
                "title",
                "summary",
                "detail",
                "self_care",
                "see_physio",
                "related",
                "condition_notes",
                "sources",
                "reviewed",
            ):
                setattr(row, key, topic[key])
            row.content_hash = digest
            row.updated_at = datetime.utcnow()
        for row in existing.values():
            session.delete(row)
            report.deleted += 1
    return report


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    report = load_content()
    logger.info("content loaded: %s", report)


if __name__ == "__main__":
    main()
