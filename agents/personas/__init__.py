"""The five specialist personas, by name: each is the qualification script it asks."""

from collections.abc import Sequence

from agents.personas import buyer, listing, market, negotiation, transaction
from agents.personas.base import Slot, next_question
from agents.types import Persona

SCRIPTS: dict[Persona, Sequence[Slot]] = {
    Persona.BUYER: buyer.SCRIPT,
    Persona.LISTING: listing.SCRIPT,
    Persona.MARKET: market.SCRIPT,
    Persona.NEGOTIATION: negotiation.SCRIPT,
    Persona.TRANSACTION: transaction.SCRIPT,
}

__all__ = ["SCRIPTS", "Slot", "next_question"]
