"""Claude's model default and token accounting, kept apart from the SDK so that importing them
is cheap (the anthropic package takes seconds to import; only the Claude brain needs it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_MODEL = "claude-sonnet-4-6"
# The shortest prefix (tools + system) the API caches, by model (Anthropic's prompt-caching docs);
# a shorter one is silently not cached. Sonnet 4.6 is documented at 1,024 but reported to need
# 2,048 in practice, so 2,048 is the floor we hold ourselves to.
CACHE_FLOOR = {"claude-sonnet-4-6": 2048, "claude-sonnet-4-5": 1024, "claude-opus-4-6": 4096, "claude-opus-4-5": 4096,
               "claude-haiku-4-5": 4096}  # fmt: skip
UNKNOWN_MODEL_FLOOR = 4096
# Estimated dollars per million tokens (input, cache write, cache read, output), for stats only.
PRICES = {"input": 3.0, "cache_write": 3.75, "cache_read": 0.30, "output": 15.0}


@dataclass
class Usage:
    calls: int = 0
    input: int = 0
    cache_write: int = 0
    cache_read: int = 0
    output: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)

    def add(self, usage: Any) -> dict[str, int]:
        got = {
            "input": int(getattr(usage, "input_tokens", 0) or 0),
            "cache_write": int(getattr(usage, "cache_creation_input_tokens", 0) or 0),
            "cache_read": int(getattr(usage, "cache_read_input_tokens", 0) or 0),
            "output": int(getattr(usage, "output_tokens", 0) or 0),
        }
        self.calls += 1
        self.input += got["input"]
        self.cache_write += got["cache_write"]
        self.cache_read += got["cache_read"]
        self.output += got["output"]
        return got

    @staticmethod
    def cost(tokens: dict[str, int]) -> float:
        return sum(tokens[k] * PRICES[k] for k in PRICES) / 1_000_000
