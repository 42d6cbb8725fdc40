"""What the bot says that is not a report (reports/ writes those)."""

from __future__ import annotations

WELCOME = (
    "👋 <b>Hi, I am digbot.</b> I read Instagram photos and captions and tell you what they "
    "say.\n\n"
    "• Send me an Instagram <b>username</b> or profile link: I analyse the latest posts — photo "
    "styles, personality from the captions, habits and how well posts do.\n"
    "• Send me a <b>photo</b> (a selfie): I read the faces and emotions and guess how well it "
    "would do.\n"
    "• Send an <b>album</b> of 2–10 photos: I rank them, best first.\n"
    "• /subscribe a profile to get a report when it changes.\n\n"
    "🔒 Photos you send are analysed in memory and never saved; I keep only numbers derived from "
    "them. /privacy says what I store, /export sends it to you, /forget deletes it."
)

HELP = (
    "<b>What I understand</b>\n"
    "/analyze <code>username</code> — analyse a public profile (or just send its name or link)\n"
    "a photo — selfie report; an album of 2–10 photos — which one to post\n"
    "/subscribe <code>username</code> [daily|weekly] — reports when the profile changes\n"
    "/unsubscribe <code>username</code> — stop them\n"
    "/subscriptions — what you follow\n"
    "/privacy — what I keep and why\n"
    "/export — everything I keep about you, as a file\n"
    "/forget — delete everything about you\n"
    "/help — this list"
)

PRIVACY = (
    "🔒 <b>What I keep, for how long, and why</b>\n\n"
    "• <b>About you</b>: your Telegram id and chat id, your language, the profiles you follow, and "
    "the results of the analyses you asked for (numbers and labels, never photos). I keep them "
    "until you /forget, so that subscriptions and your history work.\n"
    "• <b>Photos you send</b> are analysed in memory and never written to disk.{kept_copy}\n"
    "• <b>Public Instagram posts</b> I fetch: likes, comments, captions and numbers derived from "
    "the photos (never the photos), kept for {retention} days to report changes, then deleted.\n"
    "• <b>Change reports</b> I send you are deleted from my outbox {retention} days later.\n"
    "• I never ask for your Instagram password.\n\n"
    "/export sends you everything about you; /forget deletes it."
)

KEPT_COPY = (
    " A small copy (at most 512 pixels on its long side) stays in memory for {minutes} minutes, "
    "only for you, so that the <i>Why …?</i> button under the report can show where the model "
    "looked; then it is dropped, and /forget drops it at once."
)

ASK_USERNAME = "Which profile? Send e.g. <code>/analyze natgeo</code>, or just the username."
NOT_UNDERSTOOD = (
    "I did not get that. Send me an Instagram username (like <code>natgeo</code>) or a profile "
    "link, a photo, or an album of photos. /help lists everything I can do."
)
EMPTY_TEXT = "That message is empty. " + NOT_UNDERSTOOD
WORKING_PROFILE = "🔎 Looking at @{username}…"
WORKING_PHOTO = "🔎 Looking at your photo…"
WORKING_ALBUM = "🔎 Comparing your {count} photos…"
FAILED = (
    "😕 Something went wrong on my side while doing that. It is logged; please try again in a "
    "moment."
)
VIDEO = "I analyse photos, not videos. Please send a photo (or the video's best frame)."
NOT_AN_IMAGE_DOCUMENT = (
    "That file is not an image I can read. Send a photo (JPEG, PNG, WebP, GIF or HEIC), or an "
    "Instagram username."
)
TOO_MANY_PHOTOS = "An album may have at most {limit} photos; I looked at the first {limit}."
BUTTON_EXPIRED = "This button has expired. Send the command again."
NOT_YOUR_BUTTON = "This button belongs to someone else. Send the command yourself."
WHY_BUTTON = "🔍 Why {style}?"
WHY_ALBUM_BUTTON = "🔍 Why is photo {position} {style}?"
WHY_WORKING = "Drawing where the model looked…"
WHY_CAPTION = "🔍 <b>Where the model looked for {style}</b>: the brighter, the more it mattered."
PHOTO_GONE = (
    "I no longer keep that photo — I hold a copy only for a few minutes. Send it again and press "
    "the button under the new report."
)
FORGET_CONFIRM = (
    "This deletes everything I keep about you: your settings, the profiles you follow and your "
    "analyses. It cannot be undone. Delete it?"
)
FORGOTTEN = "🗑 Done: I deleted {rows} records about you. I keep nothing about you now."
FORGET_CANCELLED = "Nothing was deleted."
EXPORT_CAPTION = "Everything I keep about you, as JSON."
SUBSCRIBED = (
    "✅ You will get a {period} report on @{username} when something changes. "
    "/subscriptions lists what you follow."
)
ALREADY_SUBSCRIBED = "You already get {period} reports on @{username}."
UNSUBSCRIBED = "Stopped: no more reports on @{username}."
NOT_SUBSCRIBED = "You do not follow @{username}. /subscriptions lists what you follow."
NO_SUBSCRIPTIONS = "You follow no profile yet. Try <code>/subscribe natgeo weekly</code>."
SUBSCRIPTIONS_HEADER = "<b>You follow</b>"
SUBSCRIPTION_LINE = "@{username} — {period}{next_check}"
NEXT_CHECK = ", next check {when:%a %d %b %H:%M} UTC"
CHECKING_NOW = "Looking for changes…"
NOTHING_NEW = "Nothing new on @{username} since {since:%d %b %Y, %H:%M} UTC."
FIRST_LOOK = (
    "I have just taken my first look at @{username}: from now on I can tell you what changes."
)
NOT_FETCHED_NOW = "I could not read @{username} just now. Please try again later."
SUBSCRIBE_USAGE = "Usage: <code>/subscribe username [daily|weekly]</code>"
UNSUBSCRIBE_USAGE = "Usage: <code>/unsubscribe username</code>"
