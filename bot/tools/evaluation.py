"""`jorge eval CASES.jsonl`: the router scored field by field, as shared/eval/score.py does."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agents.overseer import Overseer
from agents.types import Lead

FIELDS = ("action", "persona", "escalate", "reason", "market", "price", "bedrooms", "language")


def _predicted(name: str, decision: dict[str, Any]) -> Any:
    if name in ("price", "bedrooms"):
        return (decision.get("facts") or {}).get(name)
    if name == "reason":
        return decision.get("reasons") or []
    return decision.get(name)


def _matches(name: str, expected: Any, got: Any, expect: dict[str, Any]) -> bool:
    if name == "action":
        return bool(got in expect.get("accept_actions", [expected]))
    if name == "reason":
        wanted = expected if isinstance(expected, list) else [expected]
        return any(r in got for r in wanted)
    if isinstance(expected, list):
        return bool(got in expected)
    return bool(got == expected)


@dataclass
class Report:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    whole: int = 0
    cases: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def whole_share(self) -> float:
        return self.whole / self.cases if self.cases else 0.0

    def lines(self) -> list[str]:
        out = [f"miss {miss}" for miss in self.misses]
        for name in FIELDS:
            if self.total[name]:
                share = self.right[name] / self.total[name]
                out.append(f"{name:10s} {self.right[name]:4d}/{self.total[name]:<4d} {share:6.1%}")
        precision = self.tp / max(self.tp + self.fp, 1)
        recall = self.tp / max(self.tp + self.fn, 1)
        out.append(f"escalation precision {precision:.1%} recall {recall:.1%}")
        right, total = sum(self.right.values()), sum(self.total.values())
        out.append(f"fields right {right}/{total} {right / max(total, 1):.1%}")
        out.append(f"cases wholly right {self.whole}/{self.cases} {self.whole_share:.1%}")
        return out


def evaluate(overseer: Overseer, cases: Iterable[dict[str, Any]]) -> Report:
    report = Report()
    for index, case in enumerate(cases):
        decision = overseer.decide(Lead(phone=f"+1909555{index:04d}"), case["text"]).route_view()
        expect = case["expect"]
        missed_before = len(report.misses)
        scored = [f for f in FIELDS if f in expect and (f in ("action", "language") or expect["action"] == "reply")]
        if "reason" in scored and not decision.get("escalate"):
            scored.remove("reason")
        for name in scored:
            got = _predicted(name, decision)
            report.total[name] += 1
            if _matches(name, expect[name], got, expect):
                report.right[name] += 1
            else:
                report.misses.append(f"{case['id']} {name}: expected {expect[name]!r}, got {got!r} | {case['text']}")
        report.whole += len(report.misses) == missed_before
        report.cases += 1
        if "escalate" in expect:
            wanted, got_escalate = bool(expect["escalate"]), bool(decision.get("escalate"))
            report.tp += wanted and got_escalate
            report.fp += (not wanted) and got_escalate
            report.fn += wanted and not got_escalate
    return report


def read_cases(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
