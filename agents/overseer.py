"""The overseer: understands a message, picks the specialist, applies Jorge's policy, checks
the draft, and returns one decision with the reply that goes with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from agents.facts import extract_facts
from agents.intent import choose_persona
from agents.keywords import keyword_action
from agents.language import detect_language
from agents.markets import MarketCatalog
from agents.personas import SPECIALISTS, Specialist
from agents.policy import escalation_reasons
from agents.priority import score_priority
from agents.quality import check_reply
from agents.types import Action, Decision, Lead, Persona, Reason
from agents.voice import holding, keyword_reply, media_reply, speak


class Overseer:
    def __init__(
        self,
        catalog: MarketCatalog,
        *,
        specialists: Mapping[Persona, Specialist] = SPECIALISTS,
        allowed_contacts: Iterable[str] = (),
    ) -> None:
        self._catalog = catalog
        self._specialists = specialists
        self._allowed_contacts = tuple(allowed_contacts)

    def decide(self, lead: Lead, text: str) -> Decision:
        """The decision for one inbound message from `lead` (its profile as known before it)."""
        language = detect_language(text, default=lead.language)
        if not text.strip():  # a photo with no words, or an empty text
            return Decision(
                action=Action.REPLY, language=language, persona=lead.persona, market=lead.market,
                facts=lead.facts, reply=media_reply(lead, language),
            )  # fmt: skip
        action = keyword_action(text)
        if action is not None:
            return Decision(action=action, language=language, reply=keyword_reply(action, language))

        found = extract_facts(text)
        facts = lead.facts.merged(found)
        market_key = self._catalog.find(text) or lead.market
        persona = choose_persona(text, lead.persona, has_bedrooms=found.bedrooms is not None)
        reasons = escalation_reasons(text, facts.price)
        if persona is Persona.NEGOTIATION and Reason.NEGOTIATION not in reasons:
            reasons.insert(0, Reason.NEGOTIATION)  # the negotiation expert never sends on its own

        current = lead.model_copy(update={"facts": facts, "market": market_key, "persona": persona})
        market = self._catalog.get(market_key)
        draft = self._specialists[persona].draft(current, text)
        news = bool(found.known()) or market_key != lead.market or lead.is_new
        drafted = speak(draft, current, language, market, news=news, new_market=market_key != lead.market)
        notes = check_reply(drafted, lead_phone=lead.phone, allowed_contacts=self._allowed_contacts)
        if notes and Reason.COMPLIANCE not in reasons:
            reasons.append(Reason.COMPLIANCE)

        escalate = bool(reasons)
        return Decision(
            action=Action.REPLY,
            language=language,
            persona=persona,
            escalate=escalate,
            reasons=reasons,
            market=market_key,
            facts=facts,
            priority=score_priority(facts),
            question=None if escalate else draft.question,
            draft=drafted,
            reply=holding(current, language, reasons) if escalate else drafted,
            notes=notes,
        )
