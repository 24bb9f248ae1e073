"""The listing specialist: area or address, timeline, motivation, condition, price."""

from agents.personas.base import Slot

SCRIPT = (
    Slot("area", lambda lead: lead.market is not None or lead.facts.address is not None),
    Slot("timeline", lambda lead: lead.facts.timeline is not None),
    Slot("motivation", lambda lead: lead.facts.motivation is not None),
    Slot("condition", lambda lead: lead.facts.condition is not None),
    Slot("price", lambda lead: lead.facts.price is not None),
)
