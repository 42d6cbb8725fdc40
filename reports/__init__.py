"""Analysis results as Telegram texts and phone-sized PNG charts (see DESIGN.md)."""
