"""The transaction coordinator: escrow, appraisal, inspection, signing, closing, keys."""

from agents.personas.base import ScriptedSpecialist, Slot, topics
from agents.types import Persona

TRANSACTION = ScriptedSpecialist(
    persona=Persona.TRANSACTION,
    topic_table=topics(
        ("contingencies", r"\bcontingenc"),
        ("appraisal", r"\bapprais|\btasaci|\baval[uú]o"),
        ("inspection", r"\binspect|\binspecci"),
        ("signing", r"\bsign(?:ing)?\b|\bnotar|\bfirma"),
        ("walkthrough", r"\bwalk[- ]?through"),
        ("keys", r"\bkeys\b|\bllaves\b|\bmove[- ]in\b|\bpossession\b"),
        ("closing", r"\bclos(?:e|ing)\b|\bcierre\b"),
        ("escrow", r"\bescrow\b"),
    ),
    script=(Slot("address", lambda lead: lead.facts.address is not None),),
)
