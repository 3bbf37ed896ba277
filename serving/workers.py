"""How many Rasa processes serve one machine, with Rasa's own scale-out parts.

Rasa 3.6 runs several Sanic workers (one process each, every core busy) only with a lock store that all of them
share; Redis is the one it ships. `plan()` keeps the embedded defaults when Redis is not there: one worker, the
in-memory lock store. When Redis answers (or the endpoints file already names a lock store), it asks for one worker
per core (RASA_WORKERS overrides) and writes an endpoints file with the Redis lock store added. Each worker gets one
BLAS thread: the workers already fill the cores, and two threads per worker made the sentence encoder fight over
them (docs/performance.md).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

import yaml

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    workers: int
    endpoints: Path
    env: Dict[str, str] = field(default_factory=dict)


def redis_answers(host: str, port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host=host, port=port, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


def plan(
    endpoints: Path,
    out_dir: Path,
    workers: int = 0,
    redis_host: str = "127.0.0.1",
    redis_port: int = 6379,
    redis_db: int = 1,
    cores: Optional[int] = None,
) -> Plan:
    """workers: 0 = one per core when a shared lock store is available, else that many (1 = a single process)."""
    wanted = workers or (cores or os.cpu_count() or 1)
    if wanted <= 1:
        return Plan(1, endpoints)
    config = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    if not config.get("lock_store"):
        if not redis_answers(redis_host, redis_port):
            logger.info(
                "Redis not reachable on %s:%s: one Rasa worker with the in-memory lock store", redis_host, redis_port
            )
            return Plan(1, endpoints)
        config["lock_store"] = {
            "type": "redis",
            "url": redis_host,
            "port": redis_port,
            "db": redis_db,
            "key_prefix": "heel",
        }
        out_dir.mkdir(parents=True, exist_ok=True)
        endpoints = out_dir / "endpoints.workers.yml"
        endpoints.write_text(
            "# Written by serving/workers.py: the configured endpoints plus the Redis lock store.\n"
            + yaml.safe_dump(config, sort_keys=False),
            encoding="utf-8",
        )
    return Plan(wanted, endpoints, {"SANIC_WORKERS": str(wanted), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
