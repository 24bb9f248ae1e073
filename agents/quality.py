"""The quality gate: a draft that fails here is escalated for compliance, never sent.

Checks Fair Housing steering language, guarantees, commission figures and other people's data.
Plain real-estate words such as "master bedroom" or "family room" pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_STEERING = re.compile(
    r"\bsafe\s+(?:neighbou?rhoods?|areas?|communit(?:y|ies)|part\s+of\s+town|street)\b|\bfamily[- ]friendly\b|"
    r"\b(?:good|great|best|top|excellent|top[- ]rated)\s+schools?\b|\bschools?\s+(?:are|is)\s+(?:good|great|excellent)\b|"
    r"\blow[- ]crime\b|\bcrime[- ]free\b|\bhigh[- ]crime\b|\bdangerous\s+(?:area|neighbou?rhood)\b|"
    r"\b(?:perfect|ideal|great)\s+for\s+(?:families|couples|kids|children|retirees|singles|seniors)\b|"
    r"\bexclusive\s+(?:neighbou?rhood|area|community)\b|\bno\s+kids\b|\badults?\s+only\b|\bmature\s+(?:community|neighbou?rs)\b|"
    r"\b(?:christian|jewish|muslim|catholic|hispanic|latino|asian|black|white|mexican|immigrant|ethnic)\s+"
    r"(?:neighbou?rhood|area|community|families|family|people|buyers?|residents?)\b|"
    r"\bnear\s+(?:churches|a\s+church|the\s+church|mosques?|synagogues?|temples?)\b|"
    r"\b(?:vecindario|zona|barrio)\s+segur[oa]\b|\bbuenas\s+escuelas\b|\bideal\s+para\s+familias\b",
    re.IGNORECASE,
)
_GUARANTEE = re.compile(
    r"\bguarantee[ds]?\b|\bpromise[ds]?\b|\bwill\s+definitely\b|\bdefinitely\s+(?:sell|appreciate|go\s+up|increase)\b|"
    r"\b100\s*%\s+(?:sure|certain|guaranteed)\b|\bcan'?t\s+lose\b|\brisk[- ]free\b|\bsure\s+thing\b|"
    r"\bwill\s+(?:sell|appreciate|go\s+up)\s+(?:for\s+sure|fast|quickly)\b|\bgarantiz\w*|\bprometo\b|\bse\s+vender[aá]\s+seguro\b",
    re.IGNORECASE,
)
# A commission or fee *figure*: a percentage near a fee word, or a dollar amount named as a fee.
_FEE_FIGURE = re.compile(
    r"(?:commission|comisi[oó]n|fee|honorarios)[^.!?]{0,40}?\d+(?:\.\d+)?\s*(?:%|percent|por\s+ciento)"
    r"|\d+(?:\.\d+)?\s*(?:%|percent|por\s+ciento)[^.!?]{0,40}?(?:commission|comisi[oó]n|fee|honorarios)"
    r"|\$\s?[\d,.]+\s*k?\s+(?:flat\s+)?(?:fee|commission)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")


def _digits(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[-10:]


# Words just before a phrase that deny it: "no one can promise that", "I can't guarantee", "we don't
# rate areas as safe neighborhoods", "nadie puede garantizar".
_NEGATION = re.compile(
    r"\b(?:no\s+one|nobody|no-one|can'?t|cannot|can\s+not|don'?t|do\s+not|won'?t|never|not|isn'?t|nothing|"
    r"nadie|no\s+(?:puedo|podemos|se\s+puede|hay)|nunca|ning[uú]n\w*)\b[^.!?]{0,30}$",
    re.IGNORECASE,
)


def _asserted(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of `pattern` that the words before it do not deny."""
    for match in pattern.finditer(text):
        if not _NEGATION.search(text[max(0, match.start() - 40) : match.start()]):
            return match
    return None


def check_reply(text: str, *, lead_phone: str = "", allowed_contacts: Iterable[str] = ()) -> list[str]:
    """The problems with a draft; an empty list means it may be sent."""
    problems = []
    if match := _asserted(_STEERING, text):
        problems.append(f"fair housing: steering language {match.group(0)!r}")
    if match := _asserted(_GUARANTEE, text):
        problems.append(f"guarantee or promised outcome {match.group(0)!r}")
    if _FEE_FIGURE.search(text):
        problems.append("commission or fee figure")
    allowed = {c.lower() for c in allowed_contacts}
    allowed_numbers = {_digits(c) for c in allowed_contacts if re.search(r"\d{7}", re.sub(r"\D", "", c))}
    allowed_numbers.add(_digits(lead_phone))
    for number in _PHONE.findall(text):
        if _digits(number) not in allowed_numbers:
            problems.append("someone else's phone number")
            break
    for email in _EMAIL.findall(text):
        if email.lower() not in allowed:
            problems.append("someone else's email address")
            break
    return problems
