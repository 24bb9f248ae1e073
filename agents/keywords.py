"""Carrier keyword actions (CTIA) and plain requests to stop texting.

A message that is only one of the carrier words is an action; "stop" inside a sentence is not
("stop by the house", "can't stop thinking about that kitchen"), unless the sentence asks us to
stop texting: consent can be revoked "by any reasonable means" (FCC, 2024), so "pls stop texting
me", "lose my number", "wrong number" and "no me escriban más" opt out. Asking to stop one kind
of listing ("stop sending condos") does not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agents.text import fold, sentences
from agents.types import Action

OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"})
OPT_IN = frozenset({"start", "unstop", "yes"})
HELP = frozenset({"help", "info"})
# Carrier words that opt out even as one sentence of a longer text ("actually nvm. STOP"); not
# "cancel" or "end", which a sentence uses for other things ("I need to cancel. Monday?").
_SENTENCE_OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "optout"})

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_JOINERS = re.compile(r"[\s\-_]+")
# Words around a keyword that leave it a keyword: "Stop. Thank you", "stop please", "pls stop".
_COURTESY = re.compile(
    r"\b(?:please|pls|plz|thank you|thanks|thx|ty|now|it|ok|okay|just|por favor|gracias|ya)\b|[^\w\s]"
)
_STOP_REQUEST = re.compile(
    r"(?<!don't )(?<!dont )(?<!do not )(?<!never )\b(?:stop|quit|cease)\s+(?:texting|messaging|contacting|calling"
    r"|sending\s+(?:me\s+|us\s+)?(?:texts|messages|stuff|these|this))\b"
    r"|\bno\s+more\s+(?:texts|messages)\b|\bdon'?t\s+(?:text|message|contact)\s+(?:me|us)\b|\bleave\s+(?:me|us)\s+alone\b"
    r"|\b(?:remove|take|delete)\s+(?:me|us|my\s+number|this\s+number)\s+(?:off|from)\b|\bunsubscribe\b"
    r"|\b(?:lose|delete|remove|erase)\s+(?:my|this|our)\s+(?:number|#|contact)\b|\bwrong\s+(?:number|person|#)\b"
    r"|\b(?:ya\s+)?no\s+(?:me|nos)\s+(?:escrib|mand|envi|text)\w*(?:\s+m[aá]s)?(?:\s+(?:mensajes|textos|sms))?(?:\s+m[aá]s)?"
    r"(?=\s*(?:$|[.,!?]|por\s+favor|porfa|gracias|ya\b))"
    r"|\bdej[ae]n?\s+de\s+(?:enviar|mandar|escribir|textear)(?:me|nos)\b"
    r"|\b(?:borr|saqu|quit)(?:en|e)(?:me|nos)\b|\bn[uú]mero\s+equivocado\b"
)


def keyword_action(text: str, *, talking: bool = False) -> Action | None:
    """The carrier action a message asks for, or None for an ordinary message. `talking`: the bot
    is in a conversation with the lead (answered before, not opted out), so a bare "yes" answers
    it rather than opting in again; a "yes" with nothing before it opts in, as carriers read it."""
    action, bare_yes = _keyword(text)
    return None if talking and bare_yes else action


@lru_cache(maxsize=256)  # asked of each text by the conversation (to split a burst) and the overseer
def _keyword(text: str) -> tuple[Action | None, bool]:
    """The carrier action `text` asks for, and whether it is a bare "yes"."""
    word = _EDGES.sub("", text.strip()).lower()
    if len(word.split()) <= 2:
        word = _JOINERS.sub("", word)  # "opt out", "OPT-OUT", "stop all"
    courteous = " ".join(_COURTESY.sub(" ", text.lower()).split())
    if word in OPT_OUT or courteous in OPT_OUT or _STOP_REQUEST.search(fold(text)):
        return Action.OPT_OUT, False
    if any(_EDGES.sub("", part).lower() in _SENTENCE_OPT_OUT for part in sentences(text)[1:]):
        return Action.OPT_OUT, False
    if word in OPT_IN:
        return Action.OPT_IN, word == "yes"
    if word in HELP:
        return Action.HELP, False
    return None, False
