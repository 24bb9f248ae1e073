"""Imports point one way, from the outside in: jorge (the app and the command) → handlers
(translate HTTP) → bot (wires and runs, its sub-packages in the order below) → agents (decides) →
templates (speak). No module imports a layer above its own, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOT = ["configuration", "telemetry", "store", "transport", "conversation", "team", "runtime", "tools"]
LAYERS = ["templates", "agents", *(f"bot.{part}" for part in BOT), "handlers", "jorge"]  # lowest first


def _layer(dotted: str) -> str:
    parts = dotted.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(_layer(node.module))
        elif isinstance(node, ast.Import):
            found.update(_layer(alias.name) for alias in node.names)
    return found


def _modules(layer: str) -> list[Path]:
    return sorted((ROOT / layer.replace(".", "/")).rglob("*.py"))


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for rank, layer in enumerate(LAYERS):
        above = set(LAYERS[rank + 1 :])
        for path in _modules(layer):
            upward += [f"{path.relative_to(ROOT)} imports {name}" for name in sorted(_imported(path) & above)]
    assert not upward, "\n".join(upward)


def test_every_module_of_bot_is_in_a_layer() -> None:
    loose = [p.name for p in (ROOT / "bot").glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert sorted(p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(BOT)
