"""Analysis results as Telegram texts and phone-sized charts (see DESIGN.md), one module per
report: profile_text.py + profile_charts.py (a profile), selfie.py (one photo: its text and its
card, drawn with Pillow), album_text.py + album.py (an album's ranking), heatmap.py ("Why
<style>?"), portrait.py (the profile's Portrait section). Shared: names.py (human names of ids),
format.py (numbers, hours, scores), markup.py (Telegram HTML pieces), split.py (long texts into
messages), palette.py (colours and sizes of every chart), theme.py and chart_parts.py
(matplotlib's look and drawing pieces), canvas.py (Pillow's). The text modules, selfie.py and
canvas.py import no matplotlib: the bot's process imports them; the other charts are drawn in
chart processes (service/render.py)."""
