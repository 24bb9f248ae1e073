"""The listing specialist: area or address, timeline, motivation, condition, price."""

from agents.personas.base import ScriptedSpecialist, Slot, topics
from agents.types import Persona

LISTING = ScriptedSpecialist(
    persona=Persona.LISTING,
    topic_table=topics(
        ("fees", r"\bcommission|\bcomisi[oó]n|\bfees?\b|\bcharge\b|\bcobr"),
        ("disclosure", r"\bdisclos|\bdivulg"),
        (
            "prep",
            r"\brepaint|\bstag(?:e|ing)\b|\bfix\b|\brepairs?\b|\bupdate|\bcurb appeal|\bbefore (?:selling|listing)|\bpintar\b",
        ),
        ("value", r"\bworth\b|\bsell for\b|\bvalue\b|\bvale\b|\bvalor\b|\bcma\b"),
    ),
    script=(
        Slot("area", lambda lead: lead.market is not None or lead.facts.address is not None),
        Slot("timeline", lambda lead: lead.facts.timeline is not None),
        Slot("motivation", lambda lead: lead.facts.motivation is not None),
        Slot("condition", lambda lead: lead.facts.condition is not None),
        Slot("price", lambda lead: lead.facts.price is not None),
    ),
)
