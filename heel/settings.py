"""The one place that reads environment variables and the clinic settings file.

Everything is read lazily (first call), so importing this module does no I/O.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: Optional[str] = None) -> Optional[str]:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _path(name: str, default: Path) -> Path:
    raw = _env(name)
    path = Path(raw) if raw else default
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    database_url: str
    content_dir: Path
    clinic_file: Path
    spacy_model: Path
    var_dir: Path
    frontdesk_token: Optional[str]
    frontdesk_port: int
    frontdesk_url: str
    web_port: int
    rasa_url: str
    smtp_host: Optional[str]
    smtp_port: int
    smtp_from: str
    frontdesk_email: Optional[str]
    notify_webhook_url: Optional[str]
    log_level: str
    extra: Dict[str, Any] = field(default_factory=dict)
    # Booking hand-off and front-desk notifications (all optional: the defaults run fully offline).
    frontdesk_host: str = "127.0.0.1"  # staff only: FRONTDESK_HOST=0.0.0.0 to reach it from the clinic network
    actions_host: str = "127.0.0.1"  # only the Rasa server calls the action server
    rasa_token: Optional[str] = None
    actions_token_value: Optional[str] = None  # ACTIONS_TOKEN: the secret Rasa sends the action server
    # Origins whose pages may call Rasa from a browser (the website with the chat widget); comma-separated.
    allowed_origins: tuple = ("http://localhost:8080", "http://127.0.0.1:8080")
    smtp_username: Optional[str] = None
    smtp_password: Optional[str] = None
    smtp_starttls: bool = False
    notify_webhook_secret: Optional[str] = None
    outbox_poll_seconds: float = 2.0
    # A message longer than this is answered with a polite refusal before any model reads it: analysis cost grows
    # with length, and one huge message must not stall every other conversation.
    max_message_chars: int = 2000
    # Per visitor (all channels) and per network address (website channels), "<messages>/<seconds>", "0" = none.
    rate_limit_sender: str = "30/60"
    rate_limit_address: str = "120/60"
    # Reverse proxies whose X-Forwarded-For names the client (addresses or networks, comma-separated).
    trusted_proxies: tuple = ("127.0.0.1/32", "::1/128")
    # Rasa processes on one machine: 0 = one per core when Redis (the shared lock store) answers, else one.
    rasa_workers: int = 0
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    rasa_endpoints: Path = PROJECT_ROOT / "endpoints.yml"
    rasa_credentials: Path = PROJECT_ROOT / "credentials.yml"
    # `make purge` deletes conversations and requests older than this (keep clinic.yml's `retention` text in step).
    retention_days: int = 365


def load_settings() -> Settings:
    """Builds settings from the environment; defaults give a fully local, embedded set-up."""
    var_dir = _path("HEEL_VAR_DIR", PROJECT_ROOT / "var")
    return Settings(
        database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'clinic.db'}"),
        content_dir=_path("HEEL_CONTENT_DIR", PROJECT_ROOT / "content" / "topics"),
        clinic_file=_path("HEEL_CLINIC_FILE", PROJECT_ROOT / "clinic.yml"),
        spacy_model=_path("HEEL_SPACY_MODEL", PROJECT_ROOT / "build" / "spacy_heel"),
        var_dir=var_dir,
        frontdesk_token=_env("FRONTDESK_TOKEN"),
        frontdesk_port=int(_env("FRONTDESK_PORT", "8081")),
        frontdesk_url=_env("FRONTDESK_URL", "http://localhost:8081"),
        web_port=int(_env("WEB_PORT", "8080")),
        rasa_url=_env("RASA_URL", "http://localhost:5005"),
        smtp_host=_env("SMTP_HOST"),
        smtp_port=int(_env("SMTP_PORT", "25")),
        smtp_from=_env("SMTP_FROM", "assistant@localhost"),
        frontdesk_email=_env("FRONTDESK_EMAIL"),
        notify_webhook_url=_env("NOTIFY_WEBHOOK_URL"),
        log_level=_env("LOG_LEVEL", "INFO"),
        frontdesk_host=_env("FRONTDESK_HOST", "127.0.0.1"),
        actions_host=_env("ACTIONS_HOST", "127.0.0.1"),
        rasa_token=_env("RASA_TOKEN"),
        actions_token_value=_env("ACTIONS_TOKEN"),
        allowed_origins=_origins(_env("ALLOWED_ORIGINS"), int(_env("WEB_PORT", "8080"))),
        max_message_chars=int(_env("MAX_MESSAGE_CHARS", "2000")),
        rasa_workers=int(_env("RASA_WORKERS", "0")),
        rate_limit_sender=_env("RATE_LIMIT_SENDER", "30/60"),
        rate_limit_address=_env("RATE_LIMIT_ADDRESS", "120/60"),
        trusted_proxies=tuple(
            p.strip() for p in _env("TRUSTED_PROXIES", "127.0.0.1/32,::1/128").split(",") if p.strip()
        ),
        redis_host=_env("REDIS_HOST", "127.0.0.1"),
        redis_port=int(_env("REDIS_PORT", "6379")),
        rasa_endpoints=_path("RASA_ENDPOINTS", PROJECT_ROOT / "endpoints.yml"),
        rasa_credentials=_path("RASA_CREDENTIALS", PROJECT_ROOT / "credentials.yml"),
        retention_days=int(_env("RETENTION_DAYS", "365")),
        smtp_username=_env("SMTP_USERNAME"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_starttls=_env("SMTP_STARTTLS", "false").lower() in ("1", "true", "yes"),
        notify_webhook_secret=_env("NOTIFY_WEBHOOK_SECRET"),
        outbox_poll_seconds=float(_env("OUTBOX_POLL_SECONDS", "2")),
    )


def _origins(raw: Optional[str], web_port: int) -> tuple:
    if raw:
        return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    return (f"http://localhost:{web_port}", f"http://127.0.0.1:{web_port}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def frontdesk_token(settings: Optional[Settings] = None) -> str:
    """FRONTDESK_TOKEN from the environment wins; otherwise a token generated once and kept in var/."""
    settings = settings or get_settings()
    return _secret(settings, settings.frontdesk_token, "frontdesk_token")


def rasa_api_token(settings: Optional[Settings] = None) -> str:
    """The token of Rasa's HTTP API (conversations, model, status): RASA_TOKEN from the environment wins; otherwise
    one generated once and kept in var/rasa_token. The public channels (REST webhook, socket.io, messaging webhooks)
    need none."""
    settings = settings or get_settings()
    return _secret(settings, settings.rasa_token, "rasa_token")


def actions_token(settings: Optional[Settings] = None) -> str:
    """The shared secret between Rasa and the action server: ACTIONS_TOKEN from the environment wins; otherwise one
    generated once and kept in var/actions_token."""
    settings = settings or get_settings()
    return _secret(settings, settings.actions_token_value, "actions_token")


def _secret(settings: Settings, configured: Optional[str], name: str) -> str:
    if configured:
        return configured
    token_file = settings.var_dir / name
    if token_file.exists():
        return token_file.read_text().strip()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    token_file.write_text(token + "\n")
    token_file.chmod(0o600)
    return token


@dataclass(frozen=True)
class Clinic:
    """Clinic details from clinic.yml; the clinic edits that file, never the code."""

    data: Dict[str, Any]

    def __getattr__(self, name: str) -> Any:  # clinic.phone, clinic.name, ...
        try:
            return self.data[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def placeholders(self) -> Dict[str, str]:
        """Values for {name}, {phone}, ... placeholders in content text."""
        return {k: str(v) for k, v in self.data.items() if isinstance(v, (str, int, float))}


def load_clinic(path: Optional[Path] = None) -> Clinic:
    path = path or get_settings().clinic_file
    with open(path, encoding="utf-8") as handle:
        return Clinic(yaml.safe_load(handle) or {})


_clinic_cache: Dict[str, Any] = {}


def get_clinic() -> Clinic:
    """The clinic settings, re-read when clinic.yml changes so edits apply without a restart."""
    path = get_settings().clinic_file
    mtime = path.stat().st_mtime
    if _clinic_cache.get("mtime") != mtime:
        _clinic_cache.update(mtime=mtime, clinic=load_clinic(path))
    return _clinic_cache["clinic"]
