"""Promises in a reply: words that say a person will act. A reply never promises what nothing
records, so the pipeline gives every such reply a task for the lead's owner when no task,
appointment or escalation already backs it.
"""

from __future__ import annotations

import re

from agents.text import fold

_PROMISE = re.compile(
    r"\b(?:jorge|he|she|someone|somebody|our team|the team|an agent|a teammate|i|we|they)\b[^.?!]{0,40}?"
    r"\b(?:will|'ll|is going to|are going to|am going to)\s+(?:\w+\s+)?"
    r"(?:call|text|reach out|get back|follow up|confirm|send|email|check|be in touch|contact|set up|schedule|"
    r"look into|find out|review|walk you through|go over|pull|prepare|let you know|keep an eye|reply)"
    r"|\b(?:le|les|te|lo|la|los)\s+(?:llamara|escribira|confirmara|mandara|enviara|contactara|avisara|revisara)"
    r"|\b(?:jorge|alguien|el equipo|yo|nosotros)\b[^.?!]{0,40}?\b(?:va a|vamos a|voy a|le va a|van a)\s+"
    r"(?:llamar|escribir|confirmar|mandar|enviar|contactar|revisar|avisar)"
)


def promises(reply: str) -> bool:
    """True when the reply says a person will do something."""
    return _PROMISE.search(fold(reply)) is not None
