"""From a persona's draft to the words a lead reads: templates, GSM-7 and the length limit."""

from __future__ import annotations

from typing import Any

from agents.markets import Market
from agents.personas import Draft
from agents.sms import MAX_REPLY, fit, to_gsm7
from agents.types import Action, Language, Lead, Reason
from templates import render


def market_view(market: Market | None) -> dict[str, Any] | None:
    """What the templates may say about a market."""
    if market is None:
        return None
    lender = market.partner("lender")
    return {
        "name": market.name,
        "median_price": market.median_price,
        "days_on_market": market.days_on_market,
        "price_per_sqft": market.price_per_sqft,
        "trend": market.trend,
        "lender": lender.name if lender else None,
    }


def _finish(name: str, context: dict[str, Any]) -> str:
    text = render(name, brief=False, **context)
    if len(text) > MAX_REPLY:
        text = render(name, brief=True, **context)
    return fit(to_gsm7(text), MAX_REPLY)


def speak(
    draft: Draft, lead: Lead, language: Language, market: Market | None, *, news: bool = True, new_market: bool = True
) -> str:
    """The persona's reply in Jorge's voice. `news`: this message told us something new, so the
    reply acknowledges it; `new_market`: the market was just named, so its figures are shown once."""
    context = {
        "news": news,
        "new_market": new_market,
        "first": lead.is_new,
        "name": lead.name,
        "topic": draft.topic,
        "question": draft.question,
        "facts": lead.facts.model_dump(),
        "market": market_view(market),
    }
    return _finish(f"{language.value}/{draft.persona.value}.j2", context)


def holding(lead: Lead, language: Language, reasons: list[Reason]) -> str:
    """The short reply a lead gets while Jorge looks at an escalation."""
    context = {"first": lead.is_new, "name": lead.name, "reasons": [r.value for r in reasons]}
    return _finish(f"{language.value}/holding.j2", context)


def claude_reply(body: str, lead: Lead, language: Language) -> str:
    """Claude's draft in Jorge's voice: it fills the body slot; greeting, disclosure and sign-off
    come from the template."""
    return _finish(f"{language.value}/claude.j2", {"first": lead.is_new, "name": lead.name, "body": body})


def followup(lead: Lead, market: Market | None, *, step: int, last: bool) -> str:
    """A check-in after silence, in the lead's persona and language, using what they told us."""
    context = {
        "name": lead.name,
        "persona": lead.persona.value if lead.persona else "buyer_specialist",
        "facts": lead.facts.model_dump(),
        "market": market_view(market),
        "step": step,
        "last": last,
    }
    return _finish(f"{(lead.language or Language.EN).value}/followup.j2", context)


def media_reply(lead: Lead, language: Language) -> str:
    """The answer to a photo (or an empty text): thanks, and an invitation to say more."""
    return _finish(f"{language.value}/photo.j2", {"first": lead.is_new, "name": lead.name})


def keyword_reply(action: Action, language: Language) -> str:
    """The carrier-required answer to STOP, START or HELP."""
    return _finish(f"{language.value}/{action.value}.j2", {})
