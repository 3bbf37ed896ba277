"""Telegram: inline keyboard buttons, HTML formatting, messages under 4096 characters, a secret-token webhook.

credentials: ``channels.telegram.TelegramInput`` with ``access_token`` (from @BotFather), ``webhook_url`` (the
public https URL of /webhooks/telegram/webhook, registered with Telegram at start-up), ``secret_token``
(Telegram sends it back in every webhook call, so forged updates are refused), optionally ``verify`` (the
bot's username, checked once at start-up) and ``api_base_url`` (tests only).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Dict, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer, check_token
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Update
from aiogram.utils.exceptions import CantParseEntities, TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.base import ChoiceInput, FittedOutput, Handler
from channels.formatting import TELEGRAM, Outgoing, html_to_plain
from channels.safety import PausedSafetyNet

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATES = ["message", "callback_query"]


class TelegramBotOutput(FittedOutput, RasaTelegramOutput):
    """aiogram's Bot, pointed at ``api_base_url`` when given; one button per row so long titles stay readable."""

    profile = TELEGRAM

    def __init__(self, access_token: Text, api_base_url: Optional[Text] = None) -> None:
        server = TelegramAPIServer.from_base(api_base_url) if api_base_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)

    async def send_formatted(self, recipient_id: Text, message: Outgoing) -> None:
        keyboard = None
        if message.buttons:
            keyboard = InlineKeyboardMarkup()
            for button in message.buttons:
                keyboard.row(InlineKeyboardButton(button["title"], callback_data=button["payload"]))
        try:
            await self.send_message(
                recipient_id, message.text, parse_mode="HTML", reply_markup=keyboard, disable_web_page_preview=True
            )
        except CantParseEntities:
            # The HTML is escaped and balanced, so this should not happen; if it does, words beat bold.
            logger.warning("Telegram refused the HTML of a reply; sending it as plain text")
            await self.send_message(
                recipient_id, html_to_plain(message.text), reply_markup=keyboard, disable_web_page_preview=True
            )

    async def close_session(self) -> None:
        """Closes the HTTP session (aiogram's close() is deprecated and will call Telegram's own close method)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def register_webhook(self, url: Text, secret_token: Optional[Text]) -> None:
        data: Dict[Text, Any] = {"url": url, "allowed_updates": json.dumps(UPDATES)}
        if secret_token:
            data["secret_token"] = secret_token
        await self.request("setWebhook", data)  # aiogram 2.15's set_webhook() predates secret_token


class TelegramInput(PausedSafetyNet, ChoiceInput, RasaTelegramInput):
    """/webhooks/telegram/webhook: text messages and button presses from private chats with the bot."""

    profile = TELEGRAM

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.secret_token = (credentials or {}).get("secret_token") or None
        return channel

    def __init__(
        self,
        access_token: Optional[Text],
        verify: Optional[Text],
        webhook_url: Optional[Text],
        debug_mode: bool = False,
    ) -> None:
        check_token(access_token)  # a malformed token fails at start-up, not at the first visitor
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.secret_token: Optional[Text] = None
        self._output: Optional[TelegramBotOutput] = None

    def get_output_channel(self) -> TelegramBotOutput:
        # One Bot (one HTTP session) per server, made inside the server's event loop. Rasa's own connector
        # calls setWebhook with asyncio.run() here, which fails inside a running loop.
        if self._output is None:
            self._output = TelegramBotOutput(self.access_token, self.api_base_url)
        return self._output

    def is_from_telegram(self, request: Request) -> bool:
        if not self.secret_token:
            return True
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret_token)

    async def on_server_start(self) -> None:
        bot = self.get_output_channel()
        try:
            if self.verify:
                me = await bot.get_me()
                if me.username != self.verify:
                    logger.error("The Telegram token belongs to @%s, not @%s as configured", me.username, self.verify)
            if self.webhook_url:
                await bot.register_webhook(self.webhook_url, self.secret_token)
                logger.info("Telegram webhook registered: %s", self.webhook_url)
        except TelegramAPIError as error:
            logger.error("Telegram set-up failed (messages will not arrive until it works): %s", error)

    def channel_blueprint(self, on_new_message: Handler) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.listener("after_server_start")
        async def start(*_: Any) -> None:
            await self.on_server_start()

        @telegram_webhook.listener("before_server_stop")
        async def stop(*_: Any) -> None:
            if self._output is not None:
                await self._output.close_session()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_from_telegram(request):
                logger.warning("Telegram webhook call without the secret token rejected")
                return response.text("forbidden", status=403)
            update = Update(**(request.json or {}))
            out_channel = self.get_output_channel()
            if update.callback_query:
                msg, text = update.callback_query.message, update.callback_query.data
                try:  # stops the spinner on the pressed button
                    await out_channel.answer_callback_query(update.callback_query.id)
                except TelegramAPIError as error:
                    logger.warning("answerCallbackQuery failed: %s", error)
            elif update.message and update.message.text:
                msg, text = update.message, update.message.text
            else:  # edits, stickers, locations, joins: nothing to answer
                return response.text("success")
            if text.split(" ")[0].split("@")[0] == "/start":
                text = "/greet"  # Telegram's "Start" button; the assistant greets instead
            try:
                await on_new_message(
                    UserMessage(
                        text, out_channel, msg.chat.id, input_channel=self.name(), metadata=self.get_metadata(request)
                    )
                )
            except Exception:
                # Telegram re-sends an update until it gets a 200, so a failure must not loop.
                logger.exception("Telegram message could not be handled")
                if self.debug_mode:
                    raise
            return response.text("success")

        return telegram_webhook
