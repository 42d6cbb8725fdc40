"""The conversations, one module per topic, written once for every runtime: parse, validate,
call a use-case, answer through a `handlers.chat.Chat` — never compute. The runtimes in bot/
(aiogram, python-telegram-bot) route updates to them."""
