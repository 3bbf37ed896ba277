"""Sliding-window rate limits (pure: the clock is passed in), and the client address behind trusted proxies.

The channels keep one limiter per key kind (visitor, network address) in each Rasa process. With several workers or
instances each counts on its own, so the ceiling is up to that many times the limit: enough to stop one client from
flooding the assistant; an exact, shared limit belongs in the reverse proxy (docs/operations.md).
"""

from __future__ import annotations

import ipaddress
from collections import OrderedDict, deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Deque, Iterable, List, Optional, Tuple


@dataclass(frozen=True)
class Limit:
    count: int  # messages allowed ...
    seconds: float  # ... in any window this long; count 0 = no limit

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """ "30/60" = 30 messages per 60 seconds; "0" = no limit."""
        text = (text or "").strip()
        if text in ("", "0", "off", "none"):
            return cls(0, 0.0)
        count, _, seconds = text.partition("/")
        limit = cls(int(count), float(seconds or 60))
        if limit.count < 0 or limit.seconds <= 0:
            raise ValueError(f"rate limit {text!r}: expected <messages>/<seconds>")
        return limit

    @property
    def enabled(self) -> bool:
        return self.count > 0


class SlidingWindow:
    """allow(key, now) is True while `key` made fewer than limit.count calls in the last limit.seconds. At most
    `max_keys` keys are remembered (the least recently seen are forgotten), so memory stays bounded under a flood of
    new keys."""

    def __init__(self, limit: Limit, max_keys: int = 50_000) -> None:
        self.limit = limit
        self.max_keys = max_keys
        self._hits: "OrderedDict[str, Deque[float]]" = OrderedDict()

    def allow(self, key: str, now: float) -> bool:
        if not self.limit.enabled:
            return True
        hits = self._hits.pop(key, None) or deque()
        while hits and hits[0] <= now - self.limit.seconds:
            hits.popleft()
        allowed = len(hits) < self.limit.count
        if allowed:
            hits.append(now)
        self._hits[key] = hits
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        return allowed


def _address(text: str) -> Optional[ipaddress._BaseAddress]:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(trusted: Tuple[str, ...]) -> List[ipaddress._BaseNetwork]:
    """The trusted proxies, parsed once per setting (not on every message)."""
    return [ipaddress.ip_network(item.strip(), strict=False) for item in trusted if item.strip()]


def client_address(peer: str, forwarded_for: Optional[str], trusted: Iterable[str]) -> Tuple[str, bool]:
    """(address, is_local). Behind trusted proxies the client is the right-most X-Forwarded-For address that is not
    itself a proxy; a loopback peer with no forwarding header is the machine itself (the operator, tests)."""
    networks = _networks(tuple(trusted))

    def is_trusted(address: Optional[ipaddress._BaseAddress]) -> bool:
        return address is not None and any(address in network for network in networks)

    peer_address = _address(peer or "")
    if is_trusted(peer_address) and forwarded_for:
        for hop in reversed(forwarded_for.split(",")):
            hop_address = _address(hop)
            if hop_address is not None and not is_trusted(hop_address):
                return str(hop_address), False
    is_local = peer_address is not None and peer_address.is_loopback and not forwarded_for
    return (str(peer_address) if peer_address else (peer or "unknown")), is_local
