"""The overseer: understands a message, picks the specialist, applies Jorge's policy, plans and
checks the reply, and returns one decision with the reply that goes with it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agents.facts import extract_facts
from agents.income import yearly_income
from agents.intent import choose_persona
from agents.keywords import keyword_action
from agents.knowledge import Knowledge
from agents.language import detect_language
from agents.markets import MarketCatalog
from agents.plan import Plan, Planner, Situation
from agents.policy import escalation_reasons
from agents.priority import score_priority
from agents.quality import check_reply
from agents.types import Action, Decision, Language, Lead, Message, Persona, Reason
from agents.understanding import Reading, Understanding
from agents.voice import answer_context, holding, keep, keyword_reply, media_reply, speak


class Overseer:
    def __init__(
        self,
        catalog: MarketCatalog,
        knowledge: Knowledge,
        *,
        allowed_contacts: Iterable[str] = (),
        backstop: str = "Jorge",
    ) -> None:
        self._catalog = catalog
        self.knowledge = knowledge
        self.understanding = Understanding(knowledge)
        self._planner = Planner(knowledge)
        self._allowed_contacts = tuple(allowed_contacts)
        self._backstop = backstop  # who acts on a lead nobody owns yet

    def owner_name(self, lead: Lead) -> str:
        """The first name a reply uses for the person who will act: the lead's owner, else Jorge."""
        return (lead.assigned_to or self._backstop).split()[0]

    def decide(self, lead: Lead, text: str, history: Sequence[Message] = ()) -> Decision:
        """The decision for one inbound message from `lead` (its profile as known before it)."""
        # A word or two ("ya", "ok", "si") is too little to switch a conversation's language on.
        language = lead.language if lead.language and len(text.split()) <= 2 else detect_language(text, lead.language)
        if not text.strip():  # a photo with no words, or an empty text
            return Decision(
                action=Action.REPLY, language=language, persona=lead.persona, market=lead.market,
                facts=lead.facts, reply=media_reply(lead, language),
            )  # fmt: skip
        action = keyword_action(text, talking=not (lead.opted_out or lead.is_new))
        if action is not None:
            return Decision(action=action, language=language, reply=keyword_reply(action, language))

        reading = self.understanding.read(text)
        if "prefers_spanish" in reading.acts:
            language = Language.ES
        market_key = self._catalog.find(text) or lead.market
        named = self._catalog.place(text)  # "Chino, not Chino Hills": news worth echoing when it changed
        found = extract_facts(text).model_copy(
            update={"income": yearly_income(text), "place": named if named != lead.facts.place else None}
        )
        place = named or (lead.facts.place if market_key == lead.market else None)
        facts = lead.facts.merged(found).model_copy(update={"place": place})
        persona = self._persona(text, lead, reading, has_bedrooms=found.bedrooms is not None)
        reasons = escalation_reasons(text, facts.price)
        for topic in reading.topics:
            reason = self.knowledge.topics[topic].escalate
            if reason is not None and reason not in reasons:
                reasons.append(reason)
        if persona is Persona.NEGOTIATION and Reason.NEGOTIATION not in reasons:
            reasons.insert(0, Reason.NEGOTIATION)  # the negotiation expert never sends on its own

        current = lead.model_copy(update={"facts": facts, "market": market_key, "persona": persona})
        market = self._catalog.get(market_key)
        earlier_text = _earlier_text(history, text)
        situation = Situation(
            text=text, lead=lead, current=current, reading=reading, found=found, language=language,
            context=answer_context(facts, market, self.owner_name(lead), home=reading.names_home),
            new_market=market_key != lead.market,
            earlier=self.understanding.read(earlier_text) if earlier_text and "unanswered" in reading.acts else None,
            earlier_text=earlier_text,
        )  # fmt: skip
        plan = self._planner.plan(situation)
        for topic in plan.topics:  # a follow-up's details escalate as their topic does
            reason = self.knowledge.topics[topic.removesuffix(":more")].escalate
            if reason is not None and reason not in reasons:
                reasons.append(reason)
        if Reason.UNHAPPY_CLIENT in reasons and plan.draft.opening in (None, "ack"):
            plan.draft.opening = "apology"
        persona = plan.draft.persona
        current = current.model_copy(update={"persona": persona, "facts": facts.merged(plan.facts)})
        open_appointment = (
            lead.appointment is not None and lead.appointment.status == "requested" and not lead.appointment.missing
        )

        sent_before = {m.body for m in history if m.direction == "out"}

        def draft(first: bool) -> str:
            # An escalated draft goes out after the holding reply, which already introduced the bot.
            # A reply is never the same as an earlier one: the second time, other words.
            text = ""
            for again in range(4):
                text = speak(plan.draft, current, language, market, owner=self.owner_name(lead), first=first,
                             appointment_open=open_appointment, again=again, areas=self._catalog.names)  # fmt: skip
                if text not in sent_before:
                    break
            return text

        drafted = draft(lead.is_new and not reasons)
        notes = check_reply(drafted, lead_phone=lead.phone, allowed_contacts=self._allowed_contacts)
        if notes and Reason.COMPLIANCE not in reasons:
            reasons.append(Reason.COMPLIANCE)
            drafted = draft(first=False)
        return self._decision(lead, current, language, reasons, plan, drafted, notes, reading)

    def _persona(self, text: str, lead: Lead, reading: Reading, *, has_bedrooms: bool) -> Persona:
        """The router's choice; a new lead's first text with no cue takes the persona of the topic
        it asks about (the knowledge says whose question it is)."""
        topic_persona = next((p for t in reading.topics if (p := self.knowledge.topics[t].persona) is not None), None)
        return choose_persona(text, lead.persona, has_bedrooms=has_bedrooms, fallback=topic_persona)

    def _decision(
        self, lead: Lead, current: Lead, language: Language, reasons: list[Reason], plan: Plan, drafted: str,
        notes: list[str], reading: Reading,
    ) -> Decision:  # fmt: skip
        escalate = bool(reasons)
        return Decision(
            action=Action.REPLY,
            language=language,
            persona=current.persona,
            escalate=escalate,
            reasons=reasons,
            market=current.market,
            facts=current.facts,
            priority=score_priority(current.facts),
            question=plan.asked,
            draft=drafted,
            reply=holding(lead, language, reasons, plan.appointment) if escalate else drafted,
            notes=notes,
            topics=[topic for topic, said in zip(plan.topics, keep(plan.draft.answers, drafted), strict=True) if said],
            acts=list(reading.acts),
            appointment=plan.appointment,
            tasks=plan.tasks,
            steps=plan.steps,
            unanswered=plan.unanswered,
            preference=plan.preference,
        )


def _earlier_text(history: Sequence[Message], text: str) -> str | None:
    """The lead's last text before this one (for "you didn't answer my question")."""
    for message in reversed(history):
        if message.direction == "in" and message.body.strip() and message.body not in text:
            return message.body
    return None
