"""The buyer specialist: area, budget, bedrooms, pre-approval, timeline."""

from agents.personas.base import ScriptedSpecialist, Slot, topics
from agents.types import Persona

BUYER = ScriptedSpecialist(
    persona=Persona.BUYER,
    topic_table=topics(
        ("showing", r"\b(?:see|tour|view|visit|showing|open house|ver la casa|visitar)\b"),
        ("availability", r"\bstill\s+(?:for sale|available|on the market)\b|\bavailable\b|\bdisponible\b|\bsold\b"),
        ("credit", r"\bcredit\b|\bqualify\b|\bcr[eé]dito\b|\bcalificar\b"),
    ),
    script=(
        Slot("area", lambda lead: lead.market is not None),
        Slot("budget", lambda lead: lead.facts.price is not None),
        Slot("bedrooms", lambda lead: lead.facts.bedrooms is not None),
        Slot("preapproved", lambda lead: lead.facts.preapproved is not None),
        Slot("timeline", lambda lead: lead.facts.timeline is not None),
    ),
)
