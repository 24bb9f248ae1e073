"""The market analyst: area, then whether the lead is buying or selling, then the timeline."""

from agents.personas.base import Slot

SCRIPT = (
    Slot("area", lambda lead: lead.market is not None),
    Slot("goal", lambda lead: False),
    Slot("timeline", lambda lead: lead.facts.timeline is not None),
)
