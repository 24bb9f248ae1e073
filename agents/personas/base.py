"""What every specialist shares: a qualification script and a draft for the templates to speak."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel

from agents.types import Lead, Persona


class Draft(BaseModel):
    """What a persona wants to say; the templates turn it into words."""

    persona: Persona
    topic: str = "general"
    question: str | None = None


class Specialist(Protocol):
    @property
    def persona(self) -> Persona: ...

    def draft(self, lead: Lead, text: str) -> Draft: ...


@dataclass(frozen=True)
class Slot:
    """One qualification question, and how to tell it is already answered."""

    key: str
    known: Callable[[Lead], bool]


def next_question(lead: Lead, script: Sequence[Slot]) -> str | None:
    """The first question still open that has not been asked before: never ask twice."""
    for slot in script:
        if not slot.known(lead) and slot.key not in lead.asked:
            return slot.key
    return None


Topics = tuple[tuple[str, re.Pattern[str]], ...]


def topics(*pairs: tuple[str, str]) -> Topics:
    return tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in pairs)


def find_topic(text: str, table: Topics) -> str:
    return next((name for name, pattern in table if pattern.search(text)), "general")


@dataclass(frozen=True)
class ScriptedSpecialist:
    """A persona defined by its topics and its qualification script."""

    persona: Persona
    topic_table: Topics
    script: Sequence[Slot]

    def draft(self, lead: Lead, text: str) -> Draft:
        return Draft(
            persona=self.persona,
            topic=find_topic(text, self.topic_table),
            question=next_question(lead, self.script),
        )
