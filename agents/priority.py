"""Lead priority: commission potential (6% of the price) weighted by how ready the lead is."""

from __future__ import annotations

import re

from agents.types import Facts, Priority

COMMISSION_RATE = 0.06
_SOON = re.compile(
    r"asap|right away|immediately|urgent|this (?:week|month)|next (?:week|month)|"
    r"(?:in|within) (?:a |\d+ |one |two |three |a few |a couple (?:of )?)?(?:days?|weeks?)|"
    r"pronto|este mes|lo antes posible|ya mismo|cuanto antes",
    re.IGNORECASE,
)
_BROWSING = re.compile(r"just (?:looking|browsing)|browsing|no rush|next year|in 20\d\d", re.IGNORECASE)


def readiness(facts: Facts) -> float:
    """0..1: how close the lead is to a transaction, from what they told us."""
    score = 0.3
    if facts.preapproved:
        score += 0.3
    elif facts.preapproved is False:
        score -= 0.1
    if facts.timeline:
        if _SOON.search(facts.timeline):
            score += 0.3
        elif _BROWSING.search(facts.timeline):
            score -= 0.1
        else:
            score += 0.1
    if facts.motivation:
        score += 0.1
    return round(min(max(score, 0.1), 1.0), 2)


def score_priority(facts: Facts) -> Priority:
    commission = round((facts.price or 0) * COMMISSION_RATE)
    ready = readiness(facts)
    score = round(commission * ready)
    if score >= 20_000 or (ready >= 0.8 and commission > 0):
        label = "hot"
    elif score >= 8_000 or ready >= 0.6:
        label = "warm"
    else:
        label = "cold"
    return Priority(commission=commission, readiness=ready, score=score, label=label)
