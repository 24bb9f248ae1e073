"""The five specialist personas, by name."""

from agents.personas.base import Draft, Specialist
from agents.personas.buyer import BUYER
from agents.personas.listing import LISTING
from agents.personas.market import MARKET
from agents.personas.negotiation import NEGOTIATION
from agents.personas.transaction import TRANSACTION
from agents.types import Persona

SPECIALISTS: dict[Persona, Specialist] = {
    specialist.persona: specialist for specialist in (BUYER, LISTING, MARKET, NEGOTIATION, TRANSACTION)
}

__all__ = ["SPECIALISTS", "Draft", "Specialist"]
