"""Import mediapipe without letting it import TensorFlow.

mediapipe 0.10.21 imports TensorFlow whenever it is importable: `tasks/python/core/
optional_dependencies.py` (`from tensorflow.tools.docs import doc_controls`, falling back on
ModuleNotFoundError) and `tasks/python/metadata/metadata.py` (`import tensorflow`, falling back on
ImportError). TensorFlow is installed with the training and test groups, and importing it costs
10-12 s and ~680 MB the bot never uses.

The guard is a finder placed first on `sys.meta_path`. For `tensorflow` or any `tensorflow.*`
module it looks at the module executing the import statement (the first stack frame outside
importlib's own machinery): when that is a mediapipe module it raises ModuleNotFoundError, which
is exactly what mediapipe's try/excepts expect when TensorFlow is absent; for any other importer
(training scripts, tests) it steps aside and TensorFlow imports as usual. It is scoped by
importer, not by time (`sys.modules["tensorflow"] = None` around `import mediapipe`), because
mediapipe imports some modules lazily, long after `import mediapipe`, and because a window in
time would also refuse TensorFlow to unrelated code on other threads.

It keeps matplotlib out too: `import mediapipe` imports `mediapipe.python.solutions`, whose
`drawing_utils` runs `import matplotlib.pyplot as plt` for `plot_landmarks`, a plotting helper
the bot never calls (about a second and ~30 MB of the bot's process, measured by hand). For
that one importer the guard hands out empty placeholder modules (any attribute read raises
ImportError), and `import_mediapipe` takes them out of `sys.modules` again once mediapipe is
imported, so code that imports matplotlib afterwards gets the real one. Until then (while
`import mediapipe` runs, once per process) another thread importing matplotlib would get the
placeholder: the app loads its models before it draws anything in-process.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from importlib.abc import Loader
from importlib.machinery import ModuleSpec
from types import FrameType, ModuleType

_install_lock = threading.Lock()


class NoTensorFlowForMediapipe:
    """A meta-path finder refusing `tensorflow` to importers inside the `mediapipe` package."""

    @classmethod
    def find_spec(
        cls, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        tensorflow = name == "tensorflow" or name.startswith("tensorflow.")
        if not tensorflow and name not in _PLACEHOLDERS:
            return None
        importer = _importing_module(sys._getframe(1))
        if tensorflow and (importer == "mediapipe" or importer.startswith("mediapipe.")):
            raise ModuleNotFoundError(f"{name} is not imported for mediapipe", name=name)
        if not tensorflow and importer == _PLOTTING_IMPORTER:
            return ModuleSpec(name, _Placeholder(), is_package=name == "matplotlib")
        return None


_PLOTTING_IMPORTER = "mediapipe.python.solutions.drawing_utils"
_PLACEHOLDERS = ("matplotlib.pyplot", "matplotlib")
"""Children first: the order they leave sys.modules in."""


class _Placeholder(Loader):
    """Loads an empty module whose every attribute read raises ImportError (but dunders)."""

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = ModuleType(spec.name)

        def refuse(attribute: str) -> object:
            if attribute.startswith("__"):  # the import system probes these with getattr
                raise AttributeError(attribute)
            raise ImportError(f"{spec.name} was not imported for mediapipe's plotting helpers")

        module.__getattr__ = refuse  # type: ignore[method-assign]
        return module

    def exec_module(self, module: ModuleType) -> None:
        return None


def _drop_placeholders() -> None:
    for name in _PLACEHOLDERS:
        module = sys.modules.get(name)
        if module is not None and isinstance(
            getattr(module.__spec__, "loader", None), _Placeholder
        ):
            del sys.modules[name]


def _importing_module(frame: FrameType | None) -> str:
    """The __name__ of the module whose code runs the import (importlib frames skipped)."""
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    return "" if frame is None else str(frame.f_globals.get("__name__", ""))


def install_guard() -> None:
    """Put the guard first on sys.meta_path (once)."""
    with _install_lock:
        if NoTensorFlowForMediapipe not in sys.meta_path:
            sys.meta_path.insert(0, NoTensorFlowForMediapipe)


def import_mediapipe() -> ModuleType:
    """`import mediapipe`, with the guard installed first."""
    install_guard()
    import mediapipe

    _drop_placeholders()
    return mediapipe
