"""The market analyst: answers with the market's figures, then area, goal and timeline."""

from agents.personas.base import ScriptedSpecialist, Slot, topics
from agents.types import Persona

MARKET = ScriptedSpecialist(
    persona=Persona.MARKET,
    topic_table=topics(
        ("rates", r"\brates?\b|\btasas?\b"),
        ("price_per_sqft", r"\bper\s+(?:square|sq)|\bsqft\b|\bpie cuadrado\b"),
        ("investment", r"\binvest|\brentals?\b|\bcash flow\b|\broi\b|\bcap rate\b|\bairbnb\b|\binver"),
    ),
    script=(
        Slot("area", lambda lead: lead.market is not None),
        Slot("goal", lambda lead: False),
        Slot("timeline", lambda lead: lead.facts.timeline is not None),
    ),
)
