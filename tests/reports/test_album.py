"""The album report: the ranking text (best first, near-duplicates named, an uncertain
ranking said once) and the thumbnail chart in its layouts."""

from __future__ import annotations

from dataclasses import replace

from chart_check import assert_chart
from report_html_check import assert_valid

from analyzers.types import AlbumAnalysis
from reports.album import album_chart
from reports.album_text import ALBUM_CLOSE_CALL, album_summary


def test_album_chart_variants(sample_album: AlbumAnalysis) -> None:
    one = AlbumAnalysis(photos=sample_album.photos[:1], ranking=[0], groups=[[0]], reasons={})
    empty = AlbumAnalysis(photos=[], ranking=[], groups=[], reasons={})
    ten = AlbumAnalysis(
        photos=[replace(p, popularity=None) for p in sample_album.photos * 2],
        ranking=list(range(9)),
        groups=[],
        reasons={},
    )
    for album in (one, empty, ten):
        assert_chart(album_chart(album))


def test_album_summary(sample_album: AlbumAnalysis) -> None:
    message = album_summary(sample_album)
    assert_valid(message)
    lines = message.splitlines()
    assert lines[1] == "1. <b>Photo 2</b> (beats ~7 in 10): a clear face &amp; bright colours"
    assert lines[2].startswith("2. <b>Photo 1</b>") and "&lt;cute&gt;" in lines[2]
    assert "Near-duplicates: photos 1 and 4." in message
    assert album_summary(AlbumAnalysis(photos=[], ranking=[], groups=[], reasons={}))


def test_an_album_of_uncertain_scores_says_so_once(sample_album: AlbumAnalysis) -> None:
    wide = [
        replace(p, popularity=replace(p.popularity, band=(0.1, 0.9))) if p.popularity else p
        for p in sample_album.photos
    ]
    message = album_summary(replace(sample_album, photos=wide))
    assert_valid(message)
    assert message.count(ALBUM_CLOSE_CALL) == 1
    assert "can't tell" not in message and "beats" not in message
