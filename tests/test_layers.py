"""Imports point one way, from the outside in: jorge (the app and the command) → handlers
(translate HTTP) → bot (wires and runs) → agents (decides) → templates (speak). No module imports
a layer above its own, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["templates", "agents", "bot", "handlers", "jorge"]  # lowest first


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for rank, layer in enumerate(LAYERS):
        above = set(LAYERS[rank + 1 :])
        for path in sorted((ROOT / layer).rglob("*.py")):
            upward += [f"{path.relative_to(ROOT)} imports {name}" for name in sorted(_imported(path) & above)]
    assert not upward, "\n".join(upward)


def test_every_layer_has_modules() -> None:
    assert all(any((ROOT / layer).rglob("*.py")) for layer in LAYERS)
