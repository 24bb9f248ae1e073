"""The negotiation expert: never sends on its own; its draft waits for Jorge's approval."""

from agents.personas.base import ScriptedSpecialist, Slot, topics
from agents.types import Persona

NEGOTIATION = ScriptedSpecialist(
    persona=Persona.NEGOTIATION,
    topic_table=topics(
        ("offer", r"\boffers?\b|\bcounter|\boferta|\bcontraoferta|\baccept\b"),
        ("terms", r"\bcredits?\b|\bconcession|\brepairs?\b|\bwaiv|\bcontingenc|\bwarranty\b|\bpay\s+for\b"),
    ),
    script=(Slot("deadline", lambda lead: False),),
)
