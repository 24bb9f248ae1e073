"""The buyer specialist: area, budget, bedrooms, pre-approval, timeline."""

from agents.personas.base import Slot

SCRIPT = (
    Slot("area", lambda lead: lead.market is not None or lead.facts.address is not None),
    Slot("budget", lambda lead: lead.facts.price is not None),
    Slot("bedrooms", lambda lead: lead.facts.bedrooms is not None),
    Slot("preapproved", lambda lead: lead.facts.preapproved is not None),
    Slot("timeline", lambda lead: lead.facts.timeline is not None),
)
