"""Every TFLite graph of the app runs through LiteRT (`ai-edge-litert`), never TensorFlow.

`import tensorflow` costs 10-12 s and ~680 MB; LiteRT's interpreter is the same TFLite runtime
in a 0.1 s import. TensorFlow stays a training-group dependency (it builds and converts models).
"""

from __future__ import annotations

from typing import Any


def new_interpreter(content: bytes, num_threads: int = 1, xnnpack: bool = True) -> Any:
    """An allocated LiteRT interpreter for a TFLite model given as bytes.

    `xnnpack=False` runs TFLite's built-in kernels only. fer's dynamic-range quantised emotion
    model's probabilities depend on the kernels: on the 58 faces of
    tests/analyzers/test_emotions.py, LiteRT's built-in kernels stay within 0.0055 of fer under
    TensorFlow 2.19, LiteRT's (newer) XNNPACK delegate within only 0.028.

    model_content, not model_path: TFLite verifies a buffer before using it, whereas a truncated
    file given by path crashed the process instead of raising. Interpreters are not thread-safe:
    callers keep one per thread or behind a lock.
    """
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    resolver = OpResolverType.AUTO if xnnpack else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    interpreter = Interpreter(
        model_content=content, num_threads=num_threads, experimental_op_resolver_type=resolver
    )
    interpreter.allocate_tensors()
    return interpreter
