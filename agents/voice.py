"""From a persona's draft to the words a lead reads: templates, GSM-7 and the length limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents.markets import Market
from agents.plan import Draft
from agents.sms import MAX_REPLY, brief, fit, to_gsm7
from agents.types import Action, Appointment, Facts, Language, Lead, Reason
from templates import render

# Market facts the knowledge answers may name; each is empty unless the configuration gives it.
MARKET_FACTS = ("as_of", "rent_3bed", "cap_rate", "school_districts", "crime_map", "mello_roos")
PARTNER_ROLES = ("lender", "inspector", "title")


def market_view(market: Market | None) -> dict[str, Any] | None:
    """What the templates and the knowledge answers may say about a market."""
    if market is None:
        return None
    lender = market.partner("lender")
    return {
        **dict.fromkeys(MARKET_FACTS),
        **market.facts,
        "name": market.name,
        "neighbourhoods": market.neighbourhoods,
        "median_price": market.median_price,
        "days_on_market": market.days_on_market,
        "price_per_sqft": market.price_per_sqft,
        "trend": market.trend,
        "lender": lender.name if lender else None,
    }


def partner_view(market: Market | None) -> dict[str, str | None]:
    """Partners by role: a name only where the configuration names one."""
    view: dict[str, str | None] = dict.fromkeys(PARTNER_ROLES)
    for partner in market.partners if market else []:
        view[partner.role] = partner.name
    return view


def answer_context(facts: Facts, market: Market | None, owner: str, *, home: bool = False) -> dict[str, Any]:
    """What a knowledge answer or a step may use: the market, the lead's facts, partners, owner, and
    whether the lead's text says which home it is about (`home`)."""
    return {"market": market_view(market), "facts": facts.model_dump(), "partner": partner_view(market), "owner": owner,
            "home": home}  # fmt: skip


def _finish(name: str, context: dict[str, Any]) -> str:
    text = render(name, brief=False, **context)
    if len(text) > MAX_REPLY:
        text = render(name, brief=True, **context)
    return fit(to_gsm7(text), MAX_REPLY)


def speak(
    draft: Draft,
    lead: Lead,
    language: Language,
    market: Market | None,
    *,
    owner: str,
    first: bool,
    appointment_open: bool = False,
    again: int = 0,
    areas: Sequence[str] = (),
) -> str:
    """The plan in Jorge's voice, in one text: parts are left out, least useful first, until it
    fits (the market note, the acknowledgement beside an answer, a second answer, the question)."""
    context = {
        **draft.model_dump(exclude={"persona"}),
        "persona": draft.persona.value,
        "first": first,
        "name": lead.name,
        "owner": owner,
        "appointment_open": appointment_open,
        "again": again,
        "turn": lead.replies_sent,  # for variety: the same kind of line in other words on other turns
        "facts": lead.facts.model_dump(),
        "market": market_view(market),
        "answers_brief": [brief(answer) for answer in draft.answers],
        "areas": list(areas),  # the markets' names, for "which area?"
    }
    for level in range(7):
        text = to_gsm7(render(f"{language.value}/reply.j2", level=level, **context))
        if not text.strip() and context["opening"] is None:
            context["opening"] = "ack"  # news the templates do not echo (an address alone): never an empty text
            text = to_gsm7(render(f"{language.value}/reply.j2", level=level, **context))
        if len(text) <= MAX_REPLY:
            return text
    return fit(text, MAX_REPLY)


def keep(answers: list[str], text: str) -> list[bool]:
    """Which of the draft's answers the spoken text still holds (a long reply leaves some out, and
    only what the lead read counts as answered)."""
    return [" ".join(to_gsm7(answer).split()[:6]) in " ".join(text.split()) for answer in answers]


def holding(lead: Lead, language: Language, reasons: list[Reason], appointment: Appointment | None = None) -> str:
    """The short reply a lead gets while Jorge looks at an escalation (echoing the day and time of
    an appointment request, so the lead knows it was heard)."""
    context = {"first": lead.is_new, "name": lead.name, "reasons": [r.value for r in reasons],
               "turn": lead.replies_sent, "appointment": appointment.model_dump() if appointment else None}  # fmt: skip
    return _finish(f"{language.value}/holding.j2", context)


def claude_reply(body: str, lead: Lead, language: Language, *, first: bool) -> str:
    """Claude's draft in Jorge's voice: it fills the body slot; greeting, disclosure and sign-off
    come from the template."""
    return _finish(f"{language.value}/claude.j2", {"first": first, "name": lead.name, "body": body})


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
