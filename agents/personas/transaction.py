"""The transaction coordinator: escrow, appraisal, inspection, signing, closing, keys."""

from agents.personas.base import Slot

SCRIPT = (Slot("address", lambda lead: lead.facts.address is not None),)
