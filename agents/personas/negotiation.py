"""The negotiation expert: never sends on its own; its draft waits for Jorge's approval."""

from agents.personas.base import Slot

SCRIPT = (Slot("deadline", lambda lead: False),)
