"""A household's income from a lead's words ("I make 85k a year", "we make like 120k combined",
"gano 28 la hora", "6k a month"), as a yearly figure an affordability answer can work from.
Only read near words about earning, so a price or a rent is never taken for pay."""

from __future__ import annotations

import re

from agents.text import fold

_AMOUNT = r"\$?\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(?P<unit>k|mil|grand|thousand)?"
_PER = (
    r"(?:\s*(?:a|an|per|/|al|la|por|each|every)\s*(?P<per>year|yr|annually|ano|month|mo|mes|hour|hr|hora|week|semana"
    r"|wk))?"
)
_EARN = re.compile(
    r"\b(?:make|making|makes|made|earn|earning|earns|bring in|income(?: is| of)?|salary(?: is| of)?|household income|"
    r"gano|ganamos|gana|ganan|sueldo(?: es| de)?|ingreso(?:s)?(?: es| son| de)?)\s+(?:about|around|like|roughly|maybe|"
    r"como|unos|casi|almost|over|more than|mas de)?\s*" + _AMOUNT + _PER
)
_YEARLY = {"hour": 2080, "hr": 2080, "hora": 2080, "week": 52, "wk": 52, "semana": 52, "month": 12, "mo": 12, "mes": 12}


def yearly_income(text: str) -> int | None:
    """The yearly income the text names, in whole dollars, or None."""
    match = _EARN.search(fold(text))
    if match is None:
        return None
    number = float(match.group("num").replace(",", ""))
    if match.group("unit"):
        number *= 1000
    per = match.group("per") or ("hour" if number < 200 else "year")  # "gano 28" is by the hour
    income = number * _YEARLY.get(per, 1)
    return round(income) if 10_000 <= income <= 5_000_000 else None
