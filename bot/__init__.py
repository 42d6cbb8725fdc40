"""The entry point: settings, the aiogram runtime and its middlewares, the CLI."""
