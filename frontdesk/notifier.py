"""Outbox worker: delivers new-request notifications (e-mail over SMTP, optional webhook) with retries.

The action server writes one outbox message per channel in the same transaction as the request, so a
notification outage only delays notifications: they wait in the database and are retried with exponential backoff.
Delivery is at least once (a crash between sending and recording it sends again); the webhook carries a delivery id
and e-mails a fixed Message-ID so receivers can drop duplicates.

Notifications carry no personal or health details: staff open the token-protected front-desk page for those.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Optional

import aiohttp

from heel.settings import Settings, get_settings
from heel.store import requests_repo
from heel.store.requests_repo import OutboxView, StoreUnavailable

logger = logging.getLogger(__name__)

KIND_SUBJECTS = {"booking": "New booking request", "handoff": "A visitor asked to talk to a person"}


class DeliveryError(RuntimeError):
    """A notification could not be delivered this time; it will be retried."""


class NotConfigured(RuntimeError):
    """The channel of a message is no longer configured; the message is skipped, not retried."""


def backoff_seconds(
    attempts: int, base: float, cap: float, jitter: float = 0.1, rng: Optional[random.Random] = None
) -> float:
    """Delay before attempt `attempts + 1`: base, 2*base, 4*base... up to `cap`, spread by +-jitter."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    spread = (rng or random).uniform(-jitter, jitter) if jitter else 0.0
    return max(0.0, delay * (1 + spread))


def _describe(exc: BaseException) -> str:
    # Short and free of personal data: exception type and the protocol's own message at most.
    if isinstance(exc, (DeliveryError, NotConfigured)):
        return str(exc)[:200]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}"
    return type(exc).__name__


class OutboxWorker:
    def __init__(
        self,
        settings: Optional[Settings] = None,
        url: Optional[str] = None,
        *,
        poll_seconds: Optional[float] = None,
        batch_size: int = 20,
        lease_seconds: float = 120.0,
        base_delay: float = 10.0,
        max_delay: float = 3600.0,
        max_attempts: int = 100,
        timeout: float = 10.0,
        rng: Optional[random.Random] = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.url = url
        self.poll_seconds = self.settings.outbox_poll_seconds if poll_seconds is None else poll_seconds
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.base_delay = base_delay
        self.max_delay = max_delay
        # With the defaults, about four days of retries before a message is marked failed (and shown as such).
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.rng = rng or random.Random()
        self._http: Optional[aiohttp.ClientSession] = None
        self._store_down = False
        self.wakeup = asyncio.Event()

    # -- the loop ---------------------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        logger.info("outbox worker started (poll every %.1fs)", self.poll_seconds)
        try:
            while not stop.is_set():
                handled = await self.run_once()
                if handled:
                    continue  # there may be more due right away
                self.wakeup.clear()
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wakeup.wait())]
                await asyncio.wait(waiters, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
        finally:
            await self.close()
            logger.info("outbox worker stopped")

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def run_once(self) -> int:
        """Claims and delivers the messages that are due; returns how many were handled."""
        try:
            messages = await asyncio.to_thread(
                requests_repo.claim_due_outbox, self.batch_size, self.lease_seconds, self.url
            )
        except StoreUnavailable:
            if not self._store_down:
                logger.warning("outbox worker: clinic database unavailable, will keep trying")
            self._store_down = True
            return 0
        if self._store_down:
            logger.info("outbox worker: clinic database reachable again")
            self._store_down = False
        for message in messages:
            await self._handle(message)
        return len(messages)

    async def _handle(self, message: OutboxView) -> None:
        try:
            await self.deliver(message)
        except NotConfigured as exc:
            await self._record(requests_repo.mark_outbox_failed, message.id, _describe(exc), "skipped", self.url)
            logger.warning("outbox %s (%s) skipped: channel not configured", message.id, message.channel)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later, never lost
            attempts = message.attempts + 1
            error = _describe(exc)
            if attempts >= self.max_attempts:
                await self._record(requests_repo.mark_outbox_failed, message.id, error, "failed", self.url)
                logger.error(
                    "outbox %s (%s) failed for good after %d attempts: %s", message.id, message.channel, attempts, error
                )
                return
            delay = backoff_seconds(attempts, self.base_delay, self.max_delay, rng=self.rng)
            retry_at = requests_repo.utcnow() + timedelta(seconds=delay)
            await self._record(requests_repo.mark_outbox_retry, message.id, error, retry_at, self.url)
            logger.warning(
                "outbox %s (%s) attempt %d failed (%s); retry in %.0fs",
                message.id,
                message.channel,
                attempts,
                error,
                delay,
            )
        else:
            await self._record(requests_repo.mark_outbox_sent, message.id, self.url)
            logger.info("outbox %s (%s) delivered for request %s", message.id, message.channel, message.request_id)

    async def _record(self, function, *args) -> None:
        try:
            await asyncio.to_thread(function, *args)
        except StoreUnavailable:
            # The lease runs out and the message is tried again: at least once, never lost.
            logger.warning("outbox: could not record a delivery result; it will be retried")

    # -- channels ---------------------------------------------------------------------------------------------
    async def deliver(self, message: OutboxView) -> None:
        if message.channel == "email":
            await asyncio.to_thread(self.send_email, message)
        elif message.channel == "webhook":
            await self.send_webhook(message)
        else:
            raise NotConfigured(f"unknown channel {message.channel}")

    def _link(self) -> str:
        return self.settings.frontdesk_url.rstrip("/") + "/"

    def email_message(self, message: OutboxView) -> EmailMessage:
        settings = self.settings
        kind = message.payload.get("kind", "booking")
        request_id = message.payload.get("request_id", message.request_id)
        email = EmailMessage()
        email["Subject"] = f"{KIND_SUBJECTS.get(kind, 'New request')} #{request_id}"
        email["From"] = settings.smtp_from
        email["To"] = settings.frontdesk_email
        domain = settings.smtp_from.rsplit("@", 1)[-1] if "@" in settings.smtp_from else "localhost"
        email["Message-ID"] = f"<outbox-{message.id}.request-{request_id}@{domain}>"
        email.set_content(
            f"{KIND_SUBJECTS.get(kind, 'New request')} (#{request_id}) arrived at "
            f"{message.payload.get('created_at', '')} (UTC).\n\n"
            f"Open the front-desk page to see the details and contact the visitor:\n{self._link()}\n\n"
            "For privacy this e-mail contains no personal or health details.\n"
        )
        return email

    def send_email(self, message: OutboxView) -> None:
        settings = self.settings
        if not (settings.smtp_host and settings.frontdesk_email):
            raise NotConfigured("SMTP not configured")
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=self.timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            refused = smtp.send_message(self.email_message(message))
        if refused:
            raise DeliveryError("recipient refused")

    def webhook_body(self, message: OutboxView) -> bytes:
        return json.dumps(
            {
                "event": "request.created",
                "delivery_id": message.id,
                "request_id": message.payload.get("request_id", message.request_id),
                "kind": message.payload.get("kind"),
                "created_at": message.payload.get("created_at"),
                "frontdesk_url": self._link(),
            },
            sort_keys=True,
        ).encode()

    async def send_webhook(self, message: OutboxView) -> None:
        url = self.settings.notify_webhook_url
        if not url:
            raise NotConfigured("webhook not configured")
        body = self.webhook_body(message)
        headers = {"Content-Type": "application/json", "X-Heel-Delivery": str(message.id)}
        if self.settings.notify_webhook_secret:
            digest = hmac.new(self.settings.notify_webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Heel-Signature"] = f"sha256={digest}"
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        async with self._http.post(url, data=body, headers=headers) as response:
            if not 200 <= response.status < 300:
                raise DeliveryError(f"webhook answered HTTP {response.status}")
