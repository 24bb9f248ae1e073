"""Carrier keyword actions (CTIA): a message that is only one of these words is an action.

A sentence that merely contains "stop" or "help" is an ordinary message, so the whole message,
stripped of spaces and punctuation, must be the keyword.
"""

from __future__ import annotations

import re

from agents.types import Action

OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"})
OPT_IN = frozenset({"start", "unstop", "yes"})
HELP = frozenset({"help", "info"})

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_JOINERS = re.compile(r"[\s\-_]+")
# Consent can be revoked "by any reasonable means" (FCC, 2024): a plain request to stop texting
# opts out too. Asking to stop one kind of listing ("stop sending condos") does not.
_STOP_REQUEST = re.compile(
    r"^(?:please\s+)?(?:stop|quit|cease)\s+(?:texting|messaging|contacting|sending\s+(?:me\s+)?(?:texts|messages))\b"
    r"|\b(?:remove|take)\s+(?:me|my\s+number)\s+(?:off|from)\s+(?:your|this|the)\s+(?:list|texts?|messages)\b"
    r"|\bdon'?t\s+(?:text|message|contact)\s+me\b|\bunsubscribe\s+me\b|\bno\s+more\s+(?:texts|messages)\b"
    r"|\bdej[ae]n?\s+de\s+(?:enviarme|mandarme|escribirme)\b|\bno\s+me\s+(?:escriba|mande|envi[eé])n?\s+m[aá]s\b"
    r"|\bno\s+(?:me|nos)\s+(?:escrib|mand|env[ií]|text)\w*\s+(?:m[aá]s\s+)?(?:mensajes|textos|sms)\b(?!\s+(?:de|sobre|acerca|con)\b)"
    r"|\b(?:b[oó]rr|s[aá]qu|qu[ií]t)(?:en|e)(?:me|nos)\s+de\s+(?:su|la|esta|sus)\s+listas?\b",
    re.IGNORECASE,
)


def keyword_action(text: str) -> Action | None:
    """The carrier action a message asks for, or None for an ordinary message."""
    word = _EDGES.sub("", text.strip()).lower()
    if len(word.split()) <= 2:
        word = _JOINERS.sub("", word)  # "opt out", "OPT-OUT", "stop all"
    if word in OPT_OUT or _STOP_REQUEST.search(text):
        return Action.OPT_OUT
    if word in OPT_IN:
        return Action.OPT_IN
    if word in HELP:
        return Action.HELP
    return None
