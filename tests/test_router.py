"""The router on labelled cases (scored in this process, as `jorge eval` scores them), and `jorge
route` as the outside world drives it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.configuration.config import load_config
from bot.runtime.wiring import build_overseer
from bot.tools.evaluation import Report, evaluate, read_cases
from jorge.cli import app

CASES = Path(__file__).parent / "cases"
DEV_CASES = Path(__file__).parents[2] / "shared" / "eval" / "dev_cases.jsonl"
JORGE = [sys.executable, "-m", "jorge"]


def _route(feed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JORGE, "route"], input=feed, capture_output=True, text=True, timeout=60)


def _eval(path: Path) -> Report:
    return evaluate(build_overseer(load_config()), read_cases(str(path)))


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.jsonl")))
def test_team_cases_at_least_90_percent_wholly_right(name: str) -> None:
    report = _eval(CASES / name)
    assert report.whole_share >= 0.90, "\n".join(report.lines())


def test_team_wrote_at_least_80_cases() -> None:
    count = sum(1 for path in CASES.glob("*.jsonl") for line in path.open() if line.strip())
    assert count >= 80


@pytest.mark.skipif(not DEV_CASES.exists(), reason="shared/eval is not beside this checkout")
def test_dev_cases_at_least_95_percent_wholly_right() -> None:
    report = _eval(DEV_CASES)
    assert report.whole_share >= 0.95, "\n".join(report.lines())


def test_route_answers_one_line_per_input_in_order_with_the_contract_fields() -> None:
    feed = "".join(
        json.dumps({"id": f"x{i}", "text": text, "from": f"+1909555000{i}"}) + "\n"
        for i, text in enumerate(["Looking for a 3 bed in Ontario around 600k", "STOP", "Busco casa en Upland"])
    )
    run = _route(feed)
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == ["x0", "x1", "x2"]
    first = out[0]
    assert {"action", "persona", "escalate", "reasons", "market", "facts", "language", "reply"} <= first.keys()
    assert (first["market"], first["facts"]["price"], first["facts"]["bedrooms"]) == ("ontario", 600000, 3)
    assert out[1]["action"] == "opt_out"
    assert out[2]["language"] == "es"


def test_a_bad_line_gets_an_error_line_and_the_rest_still_route() -> None:
    feed = '{"id": "a", "text": "hi there"}\nnot json at all\n{"id": "c", "text": 5}\n{"id": "d", "text": "STOP"}\n'
    run = CliRunner().invoke(app, ["route"], input=feed)
    assert run.exit_code != 0
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["id"] == "a" and "error" not in out[0]
    assert "error" in out[1] and "error" in out[2]
    assert out[3]["action"] == "opt_out"


def test_jorge_eval_prints_the_scores_and_refuses_a_missing_file() -> None:
    run = CliRunner().invoke(app, ["eval", str(CASES / "team_cases.jsonl")])
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines()[-1].startswith("cases wholly right ")
    missing = CliRunner().invoke(app, ["eval", "/nonexistent/cases.jsonl"])
    assert missing.exit_code == 2 and "cannot read" in missing.output
