"""The python-telegram-bot runtime: an `Application` routing updates to the conversations in
handlers/, with the same send path, guard, metrics and shutdown as the aiogram runtime.

What differs from aiogram, and where it is absorbed:
- routing: PTB takes the first matching handler of a group; the table below keeps aiogram's
  router order (commands, buttons, media, usernames, fallback). Callback data is parsed by the
  same CallbackData classes (handlers.keyboards) in each CallbackQueryHandler's `pattern`.
- middlewares: PTB has none; `_route` wraps every handler in the same `UpdateGuard`, the
  owner check and the automatic press answer (aiogram: OwnButtonsOnly, CallbackAnswerMiddleware).
- albums: PTB has no media-group filter (`_InAlbum` is one); the parts meet in the same
  `AlbumGatherer` (which needs `concurrent_updates`: PTB handles updates one by one otherwise).
- the send path: a `BaseRateLimiter` (bot.ptb_send) instead of session middlewares.
- the playground: `base_url` / `base_file_url` instead of aiogram's TelegramAPIServer.
"""

from __future__ import annotations

import asyncio
import gc
import hmac
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiohttp import web
from telegram import BotCommand, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.container import Container
from bot.metrics import runtime_metrics
from bot.ptb_chat import PtbChat, PtbPress, ptb_keyboard
from bot.ptb_send import PacedSending
from bot.runtime import COMMANDS, METRICS_LOG_SECONDS
from bot.updates import Incoming, UpdateGuard, image_in
from handlers import membership, photos, privacy, profile, start, subscriptions
from handlers.chat import ChatBlocked
from handlers.keyboards import (
    AnalyzeCB,
    ForgetCB,
    MenuCB,
    SubscribeCB,
    UnsubscribeCB,
    WhatChangedCB,
    WhyStyleCB,
    change_report_keyboard,
)
from handlers.ownership import refuse_others
from handlers.photos import AlbumGatherer
from instagram.usernames import is_post_link, looks_like_username
from service.app import DigService
from service.subscriptions.outbox import Blocked, Refused, Sender, TryLater

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
Conversation = Callable[[PtbChat, Update], Awaitable[None]]
Pressed = Callable[[PtbChat, PtbPress, Any], Awaitable[None]]


def make_application(
    token: str, api_base: str | None = None, sending: PacedSending | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """An Application whose requests go to Telegram (or `api_base`), paced, retried through
    bad moments; updates handled concurrently (an album's parts must meet, see AlbumGatherer)."""
    builder = (
        Application.builder()
        .token(token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(sending or PacedSending())
        .concurrent_updates(True)
        # Long polls wait up to 10 s; sends get a pool large enough for concurrent updates.
        .request(HTTPXRequest(connection_pool_size=64, read_timeout=30, write_timeout=30))
        .get_updates_request(HTTPXRequest(read_timeout=20))
    )
    if api_base:
        base = api_base.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    return builder.build()


def _parses(kind: type[CallbackData]) -> Callable[[object], bool]:
    def matches(data: object) -> bool:
        if not isinstance(data, str):
            return False
        try:
            kind.unpack(data)
        except (TypeError, ValueError):
            return False
        return True

    return matches


class PtbRuntime:
    """Start and stop the bot without owning the process, as bot.runtime.BotRuntime does."""

    def __init__(
        self,
        container: Container,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        album_latency: float = 1.0,
    ) -> None:
        self.container = container
        self.service: DigService = container.service
        self.application = application
        self.bot = application.bot
        sending = application.bot.rate_limiter
        assert isinstance(sending, PacedSending)
        self.metrics = runtime_metrics(container, sending.retry, sending.pacer)
        self.updates = UpdateGuard(self.service, self.metrics, blocked=(ChatBlocked, Forbidden))
        self.albums: AlbumGatherer[Message] = AlbumGatherer(album_latency)
        self._warm_up: asyncio.Task[None] | None = None
        self._add_handlers()

    # --- routing ------------------------------------------------------------------------------

    def _route(self, name: str, conversation: Conversation) -> Callback:
        """A PTB callback: the update through the guard, then `conversation(chat, update)`."""

        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            chat, user = update.effective_chat, update.effective_user
            incoming = Incoming.of(
                update.update_id,
                _kind(update),
                chat,
                user,
                update.message,
                membership=update.my_chat_member is not None,
            )

            async def handle(trace: dict[str, str]) -> None:
                trace["handler"] = name
                if chat is None or user is None:
                    return
                await conversation(PtbChat(self.bot, chat.id, user.id), update)

            async def tell(chat_id: int, text: str) -> None:
                await self.bot.send_message(chat_id, text)

            await self.updates.run(incoming, handle, tell)

        return callback

    def _button(
        self, name: str, kind: type[CallbackData], pressed: Pressed, *, own_answer: bool = False
    ) -> CallbackQueryHandler[Any, None]:
        """A press whose data parses as `kind`: the owner check, then the automatic answer
        (unless the conversation answers with a text itself), then the conversation."""

        async def conversation(chat: PtbChat, update: Update) -> None:
            query = update.callback_query
            assert query is not None and query.data is not None
            data = kind.unpack(query.data)
            press = PtbPress(query)
            if await refuse_others(data, chat.user_id, press):
                return
            if not own_answer:
                await press.answer()
            await pressed(chat, press, data)

        return CallbackQueryHandler(self._route(name, conversation), pattern=_parses(kind))

    def _add_handlers(self) -> None:
        service = self.service
        add = self.application.add_handler
        private = filters.UpdateType.MESSAGE

        def command(name: str, run: Callable[[PtbChat, str | None], Awaitable[None]]) -> None:
            async def conversation(chat: PtbChat, update: Update) -> None:
                assert update.message is not None
                parts = (update.message.text or update.message.caption or "").split(maxsplit=1)
                await run(chat, parts[1] if len(parts) == 2 else None)

            is_command = _Command(name, lambda: self.bot.username)
            route = self._route(f"{name}_command", conversation)  # named as aiogram's route
            add(MessageHandler(private & is_command, route))

        command("start", lambda chat, _: start.start(chat))
        command("help", lambda chat, _: start.help_command(chat))
        command("analyze", lambda chat, args: profile.analyze_command(chat, args, service))
        command(
            "subscribe", lambda chat, args: subscriptions.subscribe_command(chat, args, service)
        )
        command(
            "unsubscribe",
            lambda chat, args: subscriptions.unsubscribe_command(chat, args, service),
        )
        command("subscriptions", lambda chat, _: subscriptions.send_subscriptions(chat, service))
        command("privacy", lambda chat, _: privacy.privacy(chat, service))
        command("export", lambda chat, _: privacy.export(chat, service))
        command("forget", lambda chat, _: privacy.forget(chat))

        async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            change = update.my_chat_member
            assert change is not None
            await membership.member_changed(
                change.from_user.id, change.new_chat_member.status, service
            )

        add(ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER))

        async def forget_answer(chat: PtbChat, press: PtbPress, data: ForgetCB) -> None:
            message = press.query.message
            assert message is not None
            await privacy.forget_answer(chat, message.message_id, data, service)

        buttons: list[tuple[str, type[CallbackData], Pressed, bool]] = [
            ("menu", MenuCB, lambda c, p, d: start.menu(c, p, d, service), True),
            ("forget_answer", ForgetCB, forget_answer, False),
            (
                "subscribe_button",
                SubscribeCB,
                lambda c, p, d: subscriptions.subscribe_button(c, d, service),
                False,
            ),
            (
                "unsubscribe_button",
                UnsubscribeCB,
                lambda c, p, d: subscriptions.unsubscribe_button(c, d, service),
                False,
            ),
            (
                "what_changed_button",
                WhatChangedCB,
                lambda c, p, d: subscriptions.what_changed_button(c, p, d, service),
                True,
            ),
            ("why_style", WhyStyleCB, lambda c, p, d: photos.why_style(c, p, d, service), True),
            (
                "analyze_again",
                AnalyzeCB,
                lambda c, p, d: profile.analyze_again(c, d, service),
                False,
            ),
        ]
        for name, kind, pressed, own_answer in buttons:
            add(self._button(name, kind, pressed, own_answer=own_answer))

        async def album(chat: PtbChat, update: Update) -> None:
            message = update.message
            assert message is not None and message.media_group_id is not None
            parts = await self.albums.gather(message.media_group_id, message)
            if parts is not None:
                ordered = sorted(parts, key=lambda m: m.message_id)
                await photos.album(chat, [image_in(part) for part in ordered], service)

        async def photo(chat: PtbChat, update: Update) -> None:
            file = image_in(update.message)
            assert file is not None
            await photos.photo(chat, file, service)

        async def video(chat: PtbChat, update: Update) -> None:
            await photos.video(chat)

        async def document(chat: PtbChat, update: Update) -> None:
            file = image_in(update.message)
            assert file is not None
            await photos.document(chat, file, service)

        moving = filters.VIDEO | filters.ANIMATION | filters.VIDEO_NOTE
        # PTB has no media-group filter; before documents: an animation has a `document` too.
        for name, which, conversation in (
            ("album", _InAlbum(), album),
            ("photo", filters.PHOTO, photo),
            ("video", moving, video),
            ("document", filters.Document.ALL, document),
        ):
            add(MessageHandler(private & which, self._route(name, conversation)))

        async def bare_username(chat: PtbChat, update: Update) -> None:
            assert update.message is not None
            await profile.analyze_profile(chat, update.message.text or "", service)

        username = filters.Regex(r".") & _TextMatching(looks_like_username, is_post_link)
        add(
            MessageHandler(
                private & filters.TEXT & username, self._route("bare_username", bare_username)
            )
        )

        async def not_understood(chat: PtbChat, update: Update) -> None:
            assert update.message is not None
            await start.not_understood(chat, update.message.text)

        async def stale_button(chat: PtbChat, update: Update) -> None:
            assert update.callback_query is not None
            await start.stale_button(PtbPress(update.callback_query))

        add(MessageHandler(private, self._route("not_understood", not_understood)))
        add(CallbackQueryHandler(self._route("stale_button", stale_button)))

    # --- lifecycle ----------------------------------------------------------------------------

    async def start_service(self) -> None:
        await self.application.initialize()
        await self.container.start()
        await self.container.start_background(ptb_sender(self.bot))
        self.metrics.start_logging(METRICS_LOG_SECONDS)
        self._warm_up = asyncio.create_task(self._warm_up_and_freeze())
        await self.application.start()

    async def _warm_up_and_freeze(self) -> None:
        await self.container.warm_up()
        gc.freeze()  # see bot.runtime.BotRuntime._warm_up_and_freeze

    async def warmed_up(self) -> None:
        if self._warm_up is not None:
            await self._warm_up

    async def start_polling(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self.bot.set_my_commands([BotCommand(c.command, c.description) for c in COMMANDS])
        updater = self.application.updater
        assert updater is not None
        await updater.start_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)

    async def start(self) -> None:
        await self.start_service()
        await self.start_polling()

    def mount_webhook(self, app: web.Application, path: str, secret: str) -> None:
        """Updates posted to `path` (with the secret header) go to the Application's update
        queue, which its own update fetcher (started by `start_service`) handles."""

        async def receive(request: web.Request) -> web.Response:
            if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
                return web.Response(status=401)
            update = Update.de_json(await request.json(), self.bot)
            await self.application.update_queue.put(update)
            return web.Response()

        app.router.add_post(path, receive)

    async def announce_webhook(self, url: str, secret: str) -> None:
        await self._set_commands()
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)

    async def _set_commands(self) -> None:
        await self.bot.set_my_commands([BotCommand(c.command, c.description) for c in COMMANDS])

    async def stop(self, grace: float | None = None) -> None:
        """Stop taking updates, let running ones finish within `grace` seconds, close all."""
        grace = self.container.settings.telegram.shutdown_grace_seconds if grace is None else grace
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        await self.updates.drain(grace)
        if self._warm_up is not None:
            await asyncio.gather(self._warm_up, return_exceptions=True)
        await self.metrics.stop_logging()
        await self.container.stop_background()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.container.close()


def _kind(update: Update) -> str:
    for kind in ("message", "callback_query", "my_chat_member", "edited_message"):
        if getattr(update, kind) is not None:
            return kind
    return "update"


class _InAlbum(filters.MessageFilter):
    """A part of an album (Telegram sends each as a message sharing a media_group_id)."""

    def filter(self, message: Message) -> bool:
        return message.media_group_id is not None


class _Command(filters.MessageFilter):
    """`/name`, `/name@thisbot` or `/name args`, read from the text (or a caption) as aiogram's
    Command filter reads it: PTB's CommandHandler needs Telegram's bot_command entity, which
    an update posted by hand (or by another Bot API server) may lack."""

    def __init__(self, name: str, username: Callable[[], str]) -> None:
        super().__init__(name=f"Command({name})")
        self.command = name
        self.username = username

    def filter(self, message: Message) -> bool:
        words = (message.text or message.caption or "").split(maxsplit=1)
        if not words or not words[0].startswith("/"):
            return False
        name, _, mention = words[0][1:].partition("@")
        return name == self.command and mention in ("", self.username())


class _TextMatching(filters.MessageFilter):
    """A text that any of `tests` accepts (a username, a profile or post link)."""

    def __init__(self, *tests: Callable[[str], bool]) -> None:
        super().__init__(name="TextMatching")
        self.tests = tests

    def filter(self, message: Message) -> bool:
        text = message.text
        return text is not None and any(test(text) for test in self.tests)


def ptb_sender(bot: Any) -> Sender:
    """The outbox's Sender over PTB, its errors mapped to Blocked / TryLater / Refused; a
    change report carries its "What changed?" button."""

    async def send(chat_id: int, text: str, photo: bytes | None, about: str | None = None) -> None:
        markup = ptb_keyboard(change_report_keyboard(about)) if about is not None else None
        try:
            if photo is None:
                await bot.send_message(chat_id, text, reply_markup=markup)
            else:
                await bot.send_photo(
                    chat_id, photo, caption=text or None, filename="report.png", reply_markup=markup
                )
        except Forbidden as error:
            raise Blocked(error.message) from error
        except (BadRequest, ChatMigrated) as error:  # never goes through as it is: do not
            # let it hold the queue
            raise Refused(error.message) from error
        except TelegramError as error:
            raise TryLater(error.message) from error

    return send
