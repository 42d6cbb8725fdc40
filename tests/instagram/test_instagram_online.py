"""InstaloaderSource against a fake Instagram at the HTTP boundary.

There is no network here, so these tests replace `requests`' transport (HTTPAdapter.send)
with a small fake that answers the requests instaloader 4.16 makes for an anonymous visitor:
the profile page with its embedded GraphQL data, the start page with the web app's tokens, the
api/graphql post query and the CDN pictures. Everything above the transport is the real
instaloader. The fake's JSON follows instaloader 4.16's parsing code, not captured traffic, so
these tests prove our handling of instaloader, not that Instagram still answers this way.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from instaloader import InstaloaderContext
from requests.structures import CaseInsensitiveDict

from instagram.errors import (
    ConnectionFailed,
    InvalidUsername,
    LoginRequired,
    ProfileNotFound,
    ProfilePrivate,
    RateLimited,
)
from instagram.instaloader_source import InstaloaderSource
from tests.fixtures.instagram_fixture import sample_jpeg

Handler = Callable[[requests.PreparedRequest], requests.Response]
WWW = "https://www.instagram.com/"
CDN = "https://scontent.cdninstagram.com/v/"


def _response(
    request: requests.PreparedRequest,
    body: bytes | str = b"",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    content = body.encode() if isinstance(body, str) else body
    response = requests.Response()
    response.status_code = status
    response.reason = {200: "OK", 302: "Found", 404: "Not Found", 429: "Too Many Requests"}.get(
        status, "Error"
    )
    response._content = content
    response.raw = io.BytesIO(content)
    response.headers = CaseInsensitiveDict(headers or {})
    response.url = request.url or ""
    response.request = request
    response.encoding = "utf-8"
    return response


def _page(*datas: dict[str, Any]) -> str:
    """An instagram.com page embedding GraphQL results the way instaloader reads them."""
    scripts = "".join(
        '<script type="application/json" data-sjs>'
        + json.dumps({"require": [["ScheduledServerJS", {"__bbox": {"result": {"data": d}}}]]})
        + "</script>"
        for d in datas
    )
    return f"<html><body>{scripts}</body></html>"


START_PAGE = '<html>["LSD",[],{"token":"lsd-token"}] "IG_USER_EIMU":"0"</html>'


def _media(code: str, day: int, kind: int, **extra: Any) -> dict[str, Any]:
    """A post as the web app's shortcode query returns it (media_type 1 photo, 2 video, 8 album)."""
    item: dict[str, Any] = {
        "code": code,
        "pk": str(3_100_000_000_000_000_000 + day),
        "media_type": kind,
        "taken_at": int(datetime(2025, 5, day, 9, 30, tzinfo=UTC).timestamp()),
        "user": {"pk": "4242", "username": "alice", "full_name": "Alice Example"},
        "image_versions2": {"candidates": [{"url": f"{CDN}{code}.jpg?stp=x"}]},
        "caption": {"text": f"Post {code} #Tag{day} @Friend"},
        "like_count": 100 + day,
        "comment_count": day,
    }
    item.update(extra)
    return item


MEDIA = {
    "PHOTO": _media(
        "PHOTO",
        3,
        1,
        location={"pk": 1, "name": "Lisbon"},
        accessibility_caption="May be an image of the sea",
    ),
    "ALBUM": _media(
        "ALBUM",
        5,
        8,
        carousel_media=[
            {"media_type": 1, "image_versions2": {"candidates": [{"url": f"{CDN}ALBUM_1.jpg"}]}},
            {"media_type": 1, "image_versions2": {"candidates": [{"url": f"{CDN}ALBUM_2.jpg"}]}},
        ],
    ),
    "VIDEO": _media("VIDEO", 4, 2, video_versions=[{"url": f"{CDN}VIDEO.mp4"}]),
    "PINNED": _media("PINNED", 1, 1),
}
PICTURES = {
    "PHOTO.jpg": sample_jpeg(1),
    "ALBUM_1.jpg": sample_jpeg(2),
    "ALBUM_2.jpg": sample_jpeg(3),
    "VIDEO.jpg": sample_jpeg(4),
    "PINNED.jpg": sample_jpeg(5),
}


def _profile_page(is_private: bool = False) -> str:
    user = {
        "pk": "4242",
        "id": "page-id-4242",
        "username": "alice",
        "full_name": "Alice Example",
        "biography": "Sea and stones",
        "is_private": is_private,
        "follower_count": 4321,
        "following_count": 210,
        "media_count": 57,
    }
    timeline = {
        "id": "page-id-4242",
        "polaris_ordered_timeline_connection": {
            # A pinned older post first, as Instagram shows it; then newest first.
            "edges": [{"node": {"code": c}} for c in ("PINNED", "ALBUM", "VIDEO", "PHOTO")],
            "page_info": {"has_next_page": False, "end_cursor": None},
        },
    }
    return _page({"xig_user_by_username": user}, {"xig_user_by_username": timeline})


class FakeInstagram:
    """Routes by (method, URL without query); records every URL asked for."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.asked: list[str] = []

    def page(self, url: str, body: str, status: int = 200, **headers: str) -> None:
        self.routes[("GET", url)] = lambda r: _response(r, body, status, headers)

    def send(self, request: requests.PreparedRequest) -> requests.Response:
        url = request.url or ""
        self.asked.append(url)
        key = (request.method or "GET", url.split("?")[0])
        if key not in self.routes:
            raise requests.ConnectionError(f"fake Instagram has no route for {key}")
        return self.routes[key](request)


def _post_query(request: requests.PreparedRequest) -> requests.Response:
    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
    shortcode = json.loads(parse_qs(body)["variables"][0])["shortcode"]
    data = {"xdt_api__v1__media__shortcode__web_info": {"items": [MEDIA[shortcode]]}}
    return _response(request, json.dumps({"data": data}))


def _cdn(request: requests.PreparedRequest) -> requests.Response:
    name = urlsplit(request.url or "").path.rsplit("/", 1)[-1]
    if name not in PICTURES:
        return _response(request, b"", 403)
    return _response(request, PICTURES[name], headers={"Content-Type": "image/jpeg"})


@pytest.fixture
def instagram(monkeypatch: pytest.MonkeyPatch) -> FakeInstagram:
    fake = FakeInstagram()
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda adapter, request, **kw: fake.send(request)
    )
    # instaloader's random politeness pause between requests; the tests must not sleep.
    monkeypatch.setattr(InstaloaderContext, "do_sleep", lambda context: None)
    return fake


@pytest.fixture
def healthy(instagram: FakeInstagram) -> FakeInstagram:
    instagram.page(WWW + "alice/", _profile_page())
    instagram.page(WWW, START_PAGE)
    instagram.routes[("POST", WWW + "api/graphql")] = _post_query
    for name in PICTURES:
        instagram.routes[("GET", CDN + name)] = _cdn
    return instagram


async def test_fetches_profile_posts_and_pictures(healthy: FakeInstagram) -> None:
    profile = await InstaloaderSource().fetch("https://www.instagram.com/Alice/", max_posts=3)
    assert (profile.username, profile.full_name, profile.biography) == (
        "alice",
        "Alice Example",
        "Sea and stones",
    )
    assert (profile.followers, profile.followees, profile.post_count) == (4321, 210, 57)
    assert profile.is_private is False and profile.source == "instaloader"
    # The pinned post is older than the three newest, so it is left out; newest first.
    assert [p.shortcode for p in profile.posts] == ["ALBUM", "VIDEO", "PHOTO"]
    album, video, photo = profile.posts
    assert album.images == [sample_jpeg(2), sample_jpeg(3)] and not album.is_video
    assert video.is_video and video.images == [sample_jpeg(4)]
    assert photo.images == [sample_jpeg(1)]
    assert photo.taken_at == datetime(2025, 5, 3, 9, 30, tzinfo=UTC)
    assert (photo.likes, photo.comments) == (103, 3)
    assert photo.hashtags == ("tag3",) and photo.mentions == ("friend",)
    assert photo.location == "Lisbon"
    assert photo.accessibility_caption == "May be an image of the sea"
    # 4 posts read (3 + the pinned allowance), one query each; pictures of the 3 kept only.
    assert sum("api/graphql" in url for url in healthy.asked) == 4
    assert sum(url.startswith(CDN) for url in healthy.asked) == 4


async def test_max_posts_zero_reads_only_the_profile(healthy: FakeInstagram) -> None:
    profile = await InstaloaderSource().fetch("alice", 0)
    assert profile.posts == [] and profile.followers == 4321
    assert not any("api/graphql" in url for url in healthy.asked)


async def test_a_failing_picture_is_left_out(
    healthy: FakeInstagram, caplog: pytest.LogCaptureFixture
) -> None:
    del PICTURES["ALBUM_2.jpg"]
    try:
        with caplog.at_level(logging.WARNING, logger="instagram.instaloader_source"):
            profile = await InstaloaderSource().fetch("alice", 3)
    finally:
        PICTURES["ALBUM_2.jpg"] = sample_jpeg(3)
    assert profile.posts[0].images == [sample_jpeg(2)]
    assert "ALBUM" in caplog.text


async def test_missing_profile(instagram: FakeInstagram) -> None:
    instagram.page(WWW + "nobody/", "not found", 404)
    with pytest.raises(ProfileNotFound):
        await InstaloaderSource().fetch("nobody", 5)


async def test_private_profile(instagram: FakeInstagram) -> None:
    instagram.page(WWW + "alice/", _profile_page(is_private=True))
    with pytest.raises(ProfilePrivate) as caught:
        await InstaloaderSource().fetch("alice", 5)
    assert "private" in caught.value.user_message


async def test_login_wall(instagram: FakeInstagram) -> None:
    instagram.page(WWW + "alice/", "", 302, location=WWW + "accounts/login/?next=/alice/")
    with pytest.raises(LoginRequired):
        await InstaloaderSource().fetch("alice", 5)


async def test_rate_limited_profile_page(instagram: FakeInstagram) -> None:
    instagram.page(WWW + "alice/", "Please wait a few minutes", 429)
    with pytest.raises(RateLimited) as caught:
        await InstaloaderSource().fetch("alice", 5)
    assert caught.value.retry_after > 0 and "minutes" in caught.value.user_message


async def test_rate_limited_query_raises_instead_of_sleeping(healthy: FakeInstagram) -> None:
    """instaloader would sleep ~11 minutes before retrying a 429; we give up at once."""
    healthy.routes[("POST", WWW + "api/graphql")] = lambda r: _response(r, "{}", 429)
    with pytest.raises(RateLimited) as caught:
        await InstaloaderSource(max_wait=30).fetch("alice", 2)
    assert caught.value.retry_after > 600
    assert sum("api/graphql" in url for url in healthy.asked) == 1


async def test_network_down(instagram: FakeInstagram) -> None:
    with pytest.raises(ConnectionFailed):
        await InstaloaderSource().fetch("alice", 5)


async def test_invalid_username_never_reaches_the_network(instagram: FakeInstagram) -> None:
    with pytest.raises(InvalidUsername):
        await InstaloaderSource().fetch("../admin", 5)
    assert instagram.asked == []


def test_saved_session_is_loaded_and_never_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    session_file = tmp_path / "session-bot"
    cookies = {"sessionid": "SECRET-SESSION", "csrftoken": "SECRET-CSRF", "ds_user_id": "7"}
    session_file.write_bytes(pickle.dumps(cookies))
    with caplog.at_level(logging.DEBUG):
        source = InstaloaderSource(session_file=session_file, session_user="bot")
    assert source.logged_in
    assert not InstaloaderSource().logged_in
    output = caplog.text + "".join(capsys.readouterr())
    assert "SECRET" not in output


def test_bad_session_settings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="together"):
        InstaloaderSource(session_file=tmp_path / "x")
    with pytest.raises(ValueError, match="session file") as caught:
        InstaloaderSource(session_file=tmp_path / "missing", session_user="bot")
    assert caught.value.__cause__ is None
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"SECRET-BYTES")
    with pytest.raises(ValueError) as caught:
        InstaloaderSource(session_file=garbage, session_user="bot")
    assert "SECRET" not in str(caught.value)


async def test_concurrent_fetches_share_one_worker(healthy: FakeInstagram) -> None:
    source = InstaloaderSource()
    first, second = await asyncio.gather(source.fetch("alice", 1), source.fetch("@alice", 2))
    assert [p.shortcode for p in first.posts] == ["ALBUM"]
    assert [p.shortcode for p in second.posts] == ["ALBUM", "VIDEO"]
