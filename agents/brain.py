"""A brain decides and drafts for one inbound message. The rule brain is the overseer itself;
Claude (issue 6) is another brain behind the same one-method protocol."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from agents.overseer import Overseer
from agents.types import Action, Decision, Lead, Message


class Brain(Protocol):
    async def decide(self, lead: Lead, text: str, history: Sequence[Message]) -> Decision: ...


class RuleBrain:
    """Deterministic rules: fast, free, and the fallback whenever another brain fails."""

    def __init__(self, overseer: Overseer) -> None:
        self._overseer = overseer

    async def decide(self, lead: Lead, text: str, history: Sequence[Message]) -> Decision:
        return self._overseer.decide(lead, text, history)


def apply_decision(lead: Lead, decision: Decision, *, replied: bool) -> Lead:
    """The lead's profile after `decision`; `replied` says whether a bot reply went out."""
    update: dict[str, object] = {"language": decision.language}
    if decision.action is Action.OPT_OUT:
        update["opted_out"] = True
    elif decision.action is Action.OPT_IN:
        update["opted_out"] = False
    else:
        update["facts"] = lead.facts.merged(decision.facts)
        update["priority"] = decision.priority or lead.priority
        update["market"] = decision.market or lead.market
        if decision.persona is not None and decision.persona != lead.persona:
            update["persona"] = decision.persona
            update["persona_history"] = [*lead.persona_history, decision.persona]
        if replied and decision.question and decision.question not in lead.asked:
            update["asked"] = [*lead.asked, decision.question]
        if replied or decision.escalate:
            update["last_question"] = decision.question
            taken = [f"step:{step}" for step in decision.steps]
            update["answered"] = [*lead.answered, *(t for t in [*decision.topics, *taken] if t not in lead.answered)]
            update["last_topics"] = [t.removesuffix(":more") for t in decision.topics]
            update["open_question"] = decision.unanswered or lead.open_question
        if decision.appointment is not None:
            update["appointment"] = decision.appointment
        if decision.preference:
            update["preference"] = decision.preference
    if replied:
        update["replies_sent"] = lead.replies_sent + 1
    return lead.model_copy(update=update)
