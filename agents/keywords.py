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


def keyword_action(text: str) -> Action | None:
    """The carrier action a message asks for, or None for an ordinary message."""
    word = _EDGES.sub("", text.strip()).lower()
    if word in OPT_OUT:
        return Action.OPT_OUT
    if word in OPT_IN:
        return Action.OPT_IN
    if word in HELP:
        return Action.HELP
    return None
