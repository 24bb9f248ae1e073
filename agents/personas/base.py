"""What every specialist shares: a qualification script, asked one open question at a time."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from agents.types import Lead


@dataclass(frozen=True)
class Slot:
    """One qualification question, and how to tell it is already answered."""

    key: str
    known: Callable[[Lead], bool]


def next_question(lead: Lead, script: Sequence[Slot], skip: Collection[str] = ()) -> str | None:
    """The first question still open that has not been asked before: never ask twice."""
    for slot in script:
        if not slot.known(lead) and slot.key not in lead.asked and slot.key not in skip:
            return slot.key
    return None
