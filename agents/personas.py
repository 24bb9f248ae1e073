"""The five specialist personas, each the qualification script it asks: its questions in order,
asked one open question at a time, and never one already answered or asked before."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from agents.types import Lead, Persona

SCRIPTS: dict[Persona, Sequence[str]] = {
    Persona.BUYER: ("area", "budget", "bedrooms", "preapproved", "timeline"),
    Persona.LISTING: ("area", "timeline", "motivation", "condition", "price"),
    Persona.MARKET: ("area", "goal", "timeline"),  # the market analyst: is the lead buying or selling?
    Persona.NEGOTIATION: ("deadline",),  # never sends on its own: its draft waits for Jorge
    Persona.TRANSACTION: ("address",),  # escrow, appraisal, inspection, signing, closing, keys
}

# How to tell each question is answered already; a question missing here is only answered by asking it.
_KNOWN: dict[str, Callable[[Lead], bool]] = {
    "area": lambda lead: lead.market is not None or lead.facts.address is not None,
    "budget": lambda lead: lead.facts.price is not None,
    "price": lambda lead: lead.facts.price is not None,
    "bedrooms": lambda lead: lead.facts.bedrooms is not None,
    "preapproved": lambda lead: lead.facts.preapproved is not None,
    "timeline": lambda lead: lead.facts.timeline is not None,
    "motivation": lambda lead: lead.facts.motivation is not None,
    "condition": lambda lead: lead.facts.condition is not None,
    "address": lambda lead: lead.facts.address is not None,
}


def next_question(lead: Lead, script: Sequence[str], skip: Collection[str] = ()) -> str | None:
    """The first question still open that has not been asked before: never ask twice."""
    for key in script:
        known = _KNOWN.get(key)
        if not (known is not None and known(lead)) and key not in lead.asked and key not in skip:
            return key
    return None
