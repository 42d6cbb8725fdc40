"""Pure analysis of pictures and text: no Telegram, no database (see DESIGN.md)."""
