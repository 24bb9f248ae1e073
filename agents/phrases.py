"""Phrases that sound like one kind of request and are another, shared by the persona cues
(agents/intent.py) and the escalation policy (agents/policy.py).

`neutralize` blanks out phrases that merely contain a request's words: the HOA that "offers" a
pool, "granite counters", being "paid on commission", a "work meeting", the church that is a
landmark, an offer the lead says they are *not* making, a warranty company's "guarantee".
"""

from __future__ import annotations

import re

# "Homes are going over asking": how the market behaves, not an offer to decide (agents/policy.py
# leaves it out of the negotiation reason too).
MARKET_TALK_OVER_ASKING = (
    r"\b(?:homes|houses|properties|listings|condos|things|most)\s+(?:are\s+|still\s+|all\s+)*"
    r"(?:going|selling|sell|go|went|sold|getting)\s+(?:for\s+)?(?:\S+\s+){0,2}(?:over|under|above|below)\s+"
    r"(?:the\s+)?(?:asking|list)(?:\s+price)?\b"
)

# "What do you charge", "how much of my sale price do you keep", "your cut": a seller asking about
# the fee (also a negotiation reason in agents/policy.py).
FEE_QUESTION = (
    r"\bhow\s+much\s+(?:[\w']+\s+){0,5}?do\s+(?:you|u|y'?all)(?:\s+guys)?\s+(?:charge|take|get|make|keep)\b"
    r"|\bwhat\s+(?:do|would)\s+(?:you|u|y'?all)(?:\s+guys)?\s+(?:keep|take|charge)\b|\b(?:your|ur)\s+(?:cut|percentage)\b"
    r"|\bnormal\s+(?:rate|commission|fee|percentage)\b|\b\d(?:\.\d+)?\s*%\s+(?:instead|rather)\b"
    r"|\b(?:do|go|work)\s+(?:it\s+)?(?:for\s+)?\d(?:\.\d+)?\s*%(?!\s*(?:down|of\s+(?:the\s+)?(?:price|down)|over|under|above|below|interest|apr))"
)

# "Does the buyer really need to know?": a seller asking whether to disclose (the listing side, and
# a compliance reason).
DISCLOSURE_QUESTION = r"\b(?:tenemos|tengo|hay)\s+que\s+(?:decir|avisar|informar)(?:le|les)?\s+(?:a\s+)?(?:los\s+|al\s+)?comprador(?:es)?\b|\bcompradores?\s+(?:tienen|tiene|necesitan|necesita)\s+que\s+saber\b|\b(?:buyers?|they|anyone)\s+(?:really\s+)?(?:need|have)\s+to\s+know\b|\bkeep\s+(?:it|that|this)\s+(?:quiet|to\s+ourselves|between\s+us)\b"
# "They came back at 612", "meet them in the middle", "walk away or split the cost": a decision
# about money or terms.
COUNTER_DECISION = (
    r"\bcame\s+back\s+(?:at|with)\b|\bmeet\s+(?:them|in)\s+(?:in\s+)?the\s+middle\b"
    r"|\bsplit\s+the\s+(?:difference|cost|repairs?|bill)\b|\boffer\s+to\s+(?:split|pay|cover)\b|\bwalk\s+away\b(?!\s+with)"
    r"|\bwon'?t\s+budge\b|\bpedi(?:mos|r|rle|rles)\s+(?:un\s+)?cr[eé]dito\b|\bcr[eé]dito\s+al\s+vendedor\b|\bque\s+(?:lo|la|los)\s+arreglen\b"
)

_NOT_A_REQUEST = re.compile(
    "|".join(
        (
            # services and amenities, not an offer on a house
            r"\b(?:do|does|can)\s+(?:you|y'?all|jorge|the\s+team)\s+offer\b",
            r"\b(?:hoa|community|complex|neighbou?rhood|city|builder|area|development|school|lender|bank)\s+(?:\w+\s+)?offers?\b",
            r"\bofrece(?:n)?\b",
            # an offer already accepted: what happens next, not a decision to make
            r"\b(?:offer|oferta)\s+(?:was\s+|got\s+|has\s+been\s+|fue\s+)?(?:accepted|aceptada)\b|\bgot\s+(?:our|my|the)\s+offer\s+accepted\b",
            # an offer the lead is not making
            r"\b(?:not|no|never|n'?t)\s+(?:\w+\s+){0,2}(?:making|make|made|writing|write|submitting|submit|putting\s+in)\s+(?:any\s+|an?\s+)?offers?\b",
            r"\bno\s+(?:\w+\s+){0,3}(?:ninguna\s+)?oferta\b",
            # kitchens, pay, diaries, warranties, landmarks
            r"\b(?:granite|quartz|marble|kitchen|butcher\s*block|tile|laminate|stone|new)\s+counter(?:s|tops?)?\b|\bcounter\s*tops?\b",
            r"\b(?:paid|work|working|income|earn|earning)\s+(?:\w+\s+){0,2}on\s+commission\b|\bcommission(?:[- ]based)?\s+(?:income|job|pay|salary)\b",
            r"\b(?:work|team|business|school|doctor'?s?|board|staff|family)\s+meeting\b|\bi\s+have\s+a\s+(?:\w+\s+)?meeting\b",
            r"\bwarranty\b[^.?!]{0,40}\bguarantee[ds]?\b",
            r"\b(?:by|near|next\s+to|across\s+from|behind|past|enfrente\s+de|cerca\s+de|junto\s+a|al\s+lado\s+de|detr[aá]s\s+de)\s+(?:the|la)\s+(?:big\s+|old\s+|little\s+|gran\s+)?(?:church|iglesia)\b",
            r"\b(?:from|after|de\s+la)\s+(?:church|iglesia)\b",
        )
    )
)


# Every phrase above holds one of these words: most messages hold none and skip the long pattern.
_TRIGGERS = re.compile(r"offer|ofrece|oferta|counter|commission|meeting|guarante|church|iglesia")


def neutralize(text: str) -> str:
    """Lowercased `text` with the phrases that only look like a request blanked out."""
    return _NOT_A_REQUEST.sub(" ", text) if _TRIGGERS.search(text) else text
