"""Analysis results as Telegram texts and phone-sized charts (see DESIGN.md), one module per
report: profile_text.py + profile_charts.py (a profile), selfie.py (one photo), album.py (an
album's ranking), heatmap.py ("Why <style>?"), portrait.py (the profile's Portrait section).
Shared: names.py (human names of ids), format.py (numbers, hours, scores), markup.py (Telegram
HTML pieces), split.py (long texts into messages), theme.py and chart_parts.py (chart look and
drawing pieces)."""
