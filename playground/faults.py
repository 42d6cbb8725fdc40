"""Fault injection on the bot side: 429 / 500 answers or dropped connections, by rule.

A rule names methods (case-insensitive; "*" means every method except getUpdates, which is only
faulted when named) and fires either with a seeded probability (`rate`) or on the next `count`
matching calls. A faulted call never reaches its handler, so it has no side effect.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from playground.errors import bad_request

Kind = Literal["429", "500", "drop"]
KINDS: tuple[str, ...] = ("429", "500", "drop")


@dataclass
class FaultRule:
    methods: frozenset[str]  # lower-cased method names, or {"*"}
    kind: Kind
    rate: float | None = None
    count: int | None = None
    retry_after: int = 1
    seed: int | None = None
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultRule:
        """Validate a rule as posted to /api/faults; raises a 400 ApiError when malformed."""
        methods = body.get("methods")
        kind = str(body.get("kind"))
        if not isinstance(methods, list) or not methods or kind not in KINDS:
            raise bad_request('a fault needs "methods": [...] and "kind": "429"|"500"|"drop"')
        rate, count = body.get("rate"), body.get("count")
        if (rate is None) == (count is None):
            raise bad_request('a fault needs exactly one of "rate" and "count"')
        return cls(
            methods=frozenset(str(m).lower() for m in methods),
            kind=kind,  # type: ignore[arg-type]
            rate=None if rate is None else float(rate),
            count=None if count is None else int(count),
            retry_after=int(body.get("retry_after", 1)),
            seed=body.get("seed"),
        )

    def matches(self, method: str) -> bool:
        name = method.lower()
        return name in self.methods or ("*" in self.methods and name != "getupdates")

    def fires(self) -> bool:
        if self.count is not None:
            if self.count <= 0:
                return False
            self.count -= 1
            return True
        return self.rng.random() < (self.rate or 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "methods": sorted(self.methods),
            "kind": self.kind,
            "rate": self.rate,
            "count_left": self.count,
            "retry_after": self.retry_after,
            "seed": self.seed,
        }


class Faults:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.injected: Counter[tuple[str, str]] = Counter()

    def pick(self, method: str) -> FaultRule | None:
        """The rule that faults this call, if any (the first matching rule that fires)."""
        for rule in self.rules:
            if rule.matches(method) and rule.fires():
                self.injected[(method, rule.kind)] += 1
                return rule
        return None

    def clear(self) -> None:
        self.rules.clear()
        self.injected.clear()

    def stats(self) -> dict[str, Any]:
        per_method: dict[str, dict[str, int]] = {}
        for (method, kind), n in sorted(self.injected.items()):
            per_method.setdefault(method, {})[kind] = n
        return {
            "rules": [rule.as_dict() for rule in self.rules],
            "injected": per_method,
            "total": sum(self.injected.values()),
        }
