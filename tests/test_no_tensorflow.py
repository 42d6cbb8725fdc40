"""The bot never imports TensorFlow: every TFLite graph runs through LiteRT, and mediapipe is kept
from importing it (analyzers/mediapipe_import.py), even though the test group installs it."""

from __future__ import annotations

import ast
import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from skimage import data as skdata

from bot.settings import PROJECT_ROOT
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile
from tests.python_snippet import snippet_result

APP_PACKAGES = ("bot", "handlers", "service", "analyzers", "reports", "instagram", "storage")
APP_PACKAGES += ("playground",)

REPORTS = """
import asyncio, json, sys
from pathlib import Path
from bot.container import Container
from bot.settings import load_settings

async def main(folder: Path, photo: Path) -> None:
    container = Container(load_settings())
    service = container.service
    await container.start()
    try:
        profile = await service.folder_report(folder)
        selfie = await service.photo_report(photo.read_bytes(), user_id=None)
    finally:
        await container.close()
    print(json.dumps({
        "unavailable": service.analysis.pipeline.unavailable,
        "posts": len(profile.data["posts"]),
        "profile_charts": len(profile.charts),
        "selfie_faces": selfie.data["faces"]["faces"],
        "imported": sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "fer")),
    }))

asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
"""


def _jpeg(pixels: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=92)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.slow
def test_a_profile_and_a_selfie_report_never_import_tensorflow(tmp_path: Path) -> None:
    pytest.importorskip("tensorflow", reason="only meaningful where TensorFlow is installed")
    astronaut = _jpeg(skdata.astronaut())
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    posts = [
        FixturePost(
            taken_at=start + timedelta(days=i, minutes=i),
            caption=f"Day {i} of the trip, coffee and a long walk #travel",
            likes=40 + 3 * i,
            images=[astronaut if i % 6 == 0 else sample_jpeg(i)],
        )
        for i in range(24)
    ]
    folder = write_profile(tmp_path / "profiles", "no.tf", posts)
    selfie = tmp_path / "selfie.jpg"
    selfie.write_bytes(astronaut)
    env = {**os.environ, "DIGBOT_DATABASE": str(tmp_path / "digbot.sqlite")}
    env.pop("BOT_TOKEN", None)

    result = snippet_result(REPORTS, str(folder), str(selfie), env=env)
    assert result["unavailable"] == {}, "every analyzer loaded (so each model really ran)"
    assert result["posts"] == 24 and result["profile_charts"] >= 1
    [face] = result["selfie_faces"]
    assert face["dominant_emotion"] == "happy"
    assert result["imported"] == []


def _imports(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_app_module_imports_tensorflow_or_fer() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}: {name}"
        for package in APP_PACKAGES
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        for name in sorted(_imports(path.read_text(encoding="utf-8")))
        if name.split(".")[0] in ("tensorflow", "fer")
    ]
    assert offenders == []
