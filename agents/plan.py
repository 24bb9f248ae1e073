"""What a reply does, in order: answer or act on what the lead just said, then ask at most one
thing. The plan is made of knowledge answers, kinds of message heard, an appointment request and
one question or next step; the templates (agents/voice.py) turn it into words.

1. Act first: a correction ("no, I'm buying") changes the persona; "yes" or "no" answers the
   bot's own last question; a request to meet records an appointment request with the day and
   time the lead asked for; a cancellation or a new time changes the open request.
2. Answer: up to two knowledge topics. A question nothing here can answer is passed to a person
   (a task), never guessed at; "you didn't answer my question" answers the earlier question or
   passes it on.
3. Ask one thing, never asked before: what an appointment still lacks, else the step the answer
   leads to (a lender intro), else the persona's next qualification question, else a concrete
   next step (a showing, a valuation visit, a call). A bare "ok thanks" gets no question.
Whatever a reply says a person will do is returned as a task, so it is recorded for that person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from agents.facts import extract_price
from agents.knowledge import Knowledge, Step
from agents.personas import SCRIPTS, next_question
from agents.text import fold
from agents.times import find_when
from agents.types import Appointment, Facts, Language, Lead, Persona
from agents.understanding import REFERS_BACK, Reading, is_question
from templates import compile_text

_ROLE = {"buying": Persona.BUYER, "selling": Persona.LISTING, "both": Persona.LISTING}
_MARKET_TALK = (Persona.BUYER, Persona.LISTING, Persona.MARKET)  # whose first reply may cite the market
_ARRANGING = ("when", "day", "time", "address")  # what the bot asks while arranging an appointment
_NOTED = "contact_preference"  # "don't call before 5": kept on the lead for the team, not a meeting
_MEETING = {Persona.BUYER: "showing", Persona.LISTING: "listing_consult"}  # what a day and time alone ask for
_PLEASE = re.compile(r"\b(?:please|pls|plz|sure|would help|that would|por favor|porfa|me ayudaria|claro)\b")
_FOLLOW_UP_WORDS = 4
_FILLER = re.compile(r"^\s*(?:like|maybe|around|about|prob|probably|tipo|como|a las?|at)\s+", re.IGNORECASE)
_COUNT = re.compile(r"\b([1-9])\b")
# "saturday at 10 works for the walk through": a day and a time taken, not a question about a topic.
_ACCEPT = re.compile(
    r"\b(?:works?|sounds good|is good|is fine|fine|perfect|see you|ok|okay|sure|me queda|esta bien|perfecto)\b"
)
# "actually 5 works better", "how about 4?": a new hour for the meeting being arranged.
_NEW_HOUR = re.compile(
    r"\b(1[0-2]|[1-9])\b.{0,12}\b(?:works|better|instead)\b|\b(?:how|what) about (1[0-2]|[1-9])\b|"
    r"(?:^|[.,!]\s*)(1[0-2]|[1-9])\s*\?\s*$"  # "wait no 10 doesnt work. 12?"
)
_AMOUNT = re.compile(r"\$?\d[\d,.]*\s*(?:-\s*\$?\d[\d,.]*\s*)?(?:k|m|mil|million|millon)?\b", re.IGNORECASE)


def _bedrooms(text: str, found: Facts) -> Facts:
    if found.bedrooms is not None:
        return Facts()
    match = _COUNT.search(text) if found.price is None else None
    return Facts(bedrooms=int(match.group(1))) if match else Facts()


def _budget(text: str, found: Facts) -> Facts:
    amount = _AMOUNT.search(text) if found.price is None else None  # "like 650", "500-550", "1.2m tops"
    price = extract_price(f"up to {amount.group(0)}") if amount else None
    if price is None and found.bedrooms is None and (count := _COUNT.fullmatch(_FILLER.sub("", text).strip(" ?!."))):
        return Facts(bedrooms=int(count.group(1)))  # "like 3" to the budget question: the bedrooms they meant
    return Facts(price=price)


_BARE = re.compile(
    r"(?:(?:like|maybe|around|about|prob|probably|idk|tipo|como|unos)\s+)*(\$?\d[\d,.]*\s*(?:k|m|mil)?|[1-9]\+?)"
)


def _bare_number(text: str, found: Facts) -> Facts:
    """A number alone, whatever the bot asked: "like 850" is a budget, "3+" the bedrooms."""
    match = _BARE.fullmatch(fold(text).strip(" ?!.,"))
    if match is None or found.known():
        return Facts()
    number = match.group(1)
    if re.fullmatch(r"[1-9]\+?", number):
        return Facts(bedrooms=int(number[0]))
    return Facts(price=extract_price(f"up to {number}"))


# What an answer to "when would you like to move?" names: "june", "asap", "in a year or two".
_TIMELINE_CUE = re.compile(
    r"\b(?:asap|soon|now|month|months|year|years|week|weeks|spring|summer|fall|autumn|winter|jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|"
    r"december|\d+|not sure|no rush|flexible|whenever|idk|pronto|ya|mes|meses|ano|anos|semana|semanas|verano|"
    r"invierno|primavera|otono|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
    r"diciembre|no se|cuando sea)\b"
)


def _new_hour(s: Situation) -> str | None:
    """A new hour for the meeting being arranged ("actually 5 works better"), or None."""
    open_ = s.lead.appointment
    match = _NEW_HOUR.search(fold(s.text)) if open_ is not None and open_.status == "requested" else None
    return next(hour for hour in match.groups() if hour) if match else None


def _words(field: str, limit: int = 8) -> Callable[[str, Facts], Facts]:
    """A short free answer kept as said ("june", "needs a new roof", "job in Texas")."""

    def read(text: str, found: Facts) -> Facts:
        if getattr(found, field) is not None or len(text.split()) > limit or is_question(text) or find_when(text).time:
            return Facts()
        if field == "timeline" and not _TIMELINE_CUE.search(fold(text)):
            return Facts()  # "no trust. there's a will" does not say when
        return Facts.model_validate({field: " ".join(text.split()).strip(" .!").lower()})

    return read


# How an answer to each script question is read when the text alone does not say it.
_SLOT_ANSWERS: dict[str, Callable[[str, Facts], Facts]] = {
    "bedrooms": _bedrooms,
    "budget": _budget,
    "price": _budget,
    "timeline": _words("timeline"),
    "motivation": _words("motivation"),
    "condition": _words("condition"),
}


class Draft(BaseModel):
    """What the reply says; the templates turn it into words."""

    persona: Persona
    opening: str | None = None  # thanks, closing, greeting, buying, selling, both, deny, sorry, sorry_person, cancelled
    news: bool = False  # acknowledge the facts this text gave
    appointment: Appointment | None = None  # echo the request (or what it still lacks)
    cancelled: Appointment | None = None  # the request the lead just called off
    answers: list[str] = Field(default_factory=list)  # knowledge answers, already in words
    done: str | None = None  # an accepted step, in words
    unknown: bool = False  # a question passed to a person
    question: str | None = None  # a script question key, or what the appointment lacks
    offer: str | None = None  # a next step, in words
    market_note: bool = False
    noted: str | None = None  # the time in a contact preference ("5 pm"), echoed


def more(topic_id: str) -> str:
    """How the details of a topic are remembered among the topics answered."""
    return f"{topic_id}:more"


@dataclass
class Plan:
    draft: Draft
    asked: str | None = None  # what this reply asks, remembered so it is never asked twice
    topics: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # next steps taken: a yes to the offer, or asked outright
    facts: Facts = field(default_factory=Facts)  # learned from a yes or a no to the bot's question
    appointment: Appointment | None = None  # to record: new, changed or cancelled
    unanswered: str | None = None  # the question passed to a person
    preference: str | None = None  # how and when the lead wants to be reached, in their words
    which_home: str | None = None  # a topic waiting for the lead to say which home


@dataclass(frozen=True)
class Situation:
    """One inbound text and what is known around it."""

    text: str
    lead: Lead  # the profile before this text
    current: Lead  # with this text's facts, market and persona merged in
    reading: Reading
    found: Facts  # the facts this text gave
    language: Language
    context: dict[str, Any]  # for knowledge answers and steps: market, facts, partner, owner
    new_market: bool = False
    earlier: Reading | None = None  # the lead's previous text, read again ("you didn't answer")
    earlier_text: str | None = None


class Planner:
    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._steps = {
            (step.id, language, part): compile_text(getattr(getattr(step, part), language.value))
            for step in knowledge.steps.values()
            for language in Language
            for part in ("ask", "done")
            if getattr(step, part) is not None
        }

    def step_text(self, step: Step, language: Language, part: str, context: dict[str, Any]) -> str:
        return " ".join(self._steps[(step.id, language, part)].render(**context).split())

    def plan(self, s: Situation) -> Plan:
        reading, lead = s.reading, s.lead
        acts = set(reading.acts)
        persona = s.current.persona or Persona.BUYER
        draft = Draft(persona=persona)
        plan = Plan(draft=draft)
        for act, role in _ROLE.items():
            if act in acts:
                draft.persona, draft.opening = role, act
                break
        self._answer_own_question(s, plan, acts)
        self._requested(s, plan)
        beside = self._asked_beside(s)  # read once: the meeting and the answers both need it
        self._appointment(s, plan, acts, beside)
        self._answers(s, plan, self._beside_a_time(s, plan, beside))
        self._situation(s, plan)
        if "unanswered" in acts:
            self._unanswered(s, plan)
        elif (
            reading.unplaced and not (draft.answers or draft.appointment or draft.done) and not self._follow_up(s, plan)
        ):
            draft.unknown = True
            plan.unanswered = reading.unplaced[0]
            plan.tasks.append(f"Answer the lead's question: \u201c{plan.unanswered}\u201d")
        elif self._remark(s, plan):
            self._more_on_last(s, plan)  # "the email looks exactly like theirs tho": more on what was just said
        if _NOTED in acts:
            plan.preference = " ".join(s.text.split())[:200]
            draft.opening = draft.opening or "noted"
            draft.noted = (reading.when.time or "").split(" ", 1)[-1] if reading.when.time else None
        draft.news = draft.news or bool(s.found.known()) or s.new_market or lead.is_new
        if draft.opening is None:
            draft.opening = next(
                (a for a in ("not_interested", "later", "thanks", "closing", "greeting") if a in acts), None
            )
            if draft.opening == "closing" and (draft.answers or draft.unknown or draft.appointment or s.found.known()):
                draft.opening = None  # "ok. does that change it?": the answer, not "Sounds good!"
        draft.market_note = (
            s.new_market and not (draft.answers or draft.appointment or draft.unknown) and draft.persona in _MARKET_TALK
        )
        if draft.opening not in ("later", "not_interested") and not (
            reading.only_acts and draft.opening in ("thanks", "closing")
        ):
            self._ask(s, plan)  # "maybe later, still cleaning out her stuff": nothing asked over it
        said = (draft.opening, draft.news, draft.appointment, draft.answers, draft.done, draft.unknown, draft.question)
        if not any(said) and not draft.offer and draft.persona is not Persona.NEGOTIATION:
            draft.opening = "ack"  # never an empty text
        return plan

    # acting on what the lead said ---------------------------------------------------------------

    def _answer_own_question(self, s: Situation, plan: Plan, acts: set[str]) -> None:
        """The lead answering the bot's last question: "like 3" to the bedrooms question, "650" to
        the budget one, "yes please" to an offer (a step accepted), "not yet" to pre-approval."""
        last = s.lead.last_question
        yes, no = "affirm" in acts, "deny" in acts
        offered = (last or "").startswith("step:") and len(s.text.split()) <= 3
        if offered and "closing" in acts and not {"thanks", "later"} & acts:
            yes = True  # "ok" / "k" to "Want an estimate of what you'd net?" takes it
            acts.discard("closing")
        if last == "which_home" and not no:
            for topic_id in s.lead.last_topics:
                task = self.knowledge.topics[topic_id].task if topic_id in self.knowledge.topics else None
                if task:
                    plan.tasks.append(f"{task} (the lead said which: \u201c{' '.join(s.text.split())[:160]}\u201d)")
                    plan.draft.opening = "checking"
                    return
        free = last in ("timeline", "motivation", "condition")
        if _new_hour(s):
            return  # the meeting's time, not the bedrooms
        if last in _SLOT_ANSWERS and not (free and (s.reading.acts or s.reading.topics)):
            plan.facts = _SLOT_ANSWERS[last](s.text, s.found)  # "ok thanks" is not the home's condition
        elif plan.draft.persona in _MEETING:
            plan.facts = _bare_number(s.text, s.found)
        plan.draft.news = bool(plan.facts.known())
        if not last or not (yes or no):
            return
        if last == "preapproved":
            # "Are you pre-approved yet, or would an intro to a local lender help?": "yes please"
            # takes the intro; "yes" alone (or "yes we are") says they are.
            if not (yes and _PLEASE.search(fold(s.text)) and "lender_intro" in self.knowledge.steps):
                plan.facts = Facts(preapproved=yes)
                return
            plan.facts = Facts(preapproved=False)
            last = "step:lender_intro"
        step = self.knowledge.steps.get(last.removeprefix("step:")) if last.startswith("step:") else None
        if step is None:
            return
        if no:
            plan.draft.opening = plan.draft.opening or "deny"
        elif step.kind == "task":
            self._take(s, plan, step)
        elif s.reading.appointment_kind is None:
            plan.appointment = Appointment(kind=step.kind, text="")

    def _take(self, s: Situation, plan: Plan, step: Step) -> None:
        """A step the lead took: its task for a person (once per lead) and the words that say so."""
        if step.id in plan.steps:
            return
        if step.task and f"step:{step.id}" not in s.lead.answered:
            plan.tasks.append(step.task)
        plan.steps.append(step.id)
        plan.draft.done = self.step_text(step, s.language, "done", s.context)

    def _requested(self, s: Situation, plan: Plan) -> None:
        """Steps asked for outright ("connect me w a lender", "mandame casas en ontario hasta 750")."""
        for step_id in s.reading.steps:
            step = self.knowledge.steps[step_id]
            if step.kind == "task":
                self._take(s, plan, step)

    def _appointment(self, s: Situation, plan: Plan, acts: set[str], beside: list[str]) -> None:
        """A request to meet, or a change to the one being arranged."""
        reading, open_ = s.reading, s.lead.appointment
        if open_ is not None and open_.status != "requested":
            open_ = None
        if "cancel_appointment" in acts and open_ is not None:
            plan.appointment = plan.draft.cancelled = open_.model_copy(update={"status": "cancelled"})
            plan.draft.opening = "cancelled"
            return
        kind = reading.appointment_kind or (plan.appointment.kind if plan.appointment else None)
        last = s.lead.last_question or ""
        when = reading.when
        if "reschedule" in acts and (open_ is not None or when):  # a change to a request not heard of yet
            kind = kind or (open_.kind if open_ is not None else _MEETING.get(plan.draft.persona, "call"))
        if not when and open_ is not None and last in ("when", "time") and len(s.text.split()) <= 3:
            when = find_when(f"at {_FILLER.sub('', s.text)}")  # "4", "like 1?" answering "what time works best?"
        elif not when and (hour := _new_hour(s)):
            when = find_when(f"at {hour}")
        details = bool(when) or s.found.address is not None
        if kind is None and last.startswith("step:") and when:
            step = self.knowledge.steps.get(last.removeprefix("step:"))
            kind = step.kind if step is not None and step.kind != "task" else None
        changing = last in _ARRANGING or "reschedule" in acts or not reading.topics or _new_hour(s) is not None
        if kind is None and open_ is not None and details and changing:
            kind = open_.kind
        meeting_time = when.time is not None or (when.day is not None and last != "timeline")
        # "saturday at 11?" or "sunday works": a day alone must come almost alone ("can we move stuff in
        # thursday?" asks something else).
        short = len(s.text.split()) <= (12 if when.day and when.time else 5)
        if kind is None and meeting_time and not beside and short and _NOTED not in acts:
            kind = _MEETING.get(plan.draft.persona, "call")  # "saturday at 11?": a day and time alone ask to meet
        if kind is None:
            return
        base = open_ if open_ is not None and open_.kind == kind else Appointment(kind=kind, text="")
        update: dict[str, Any] = {"text": " ".join(filter(None, [base.text, " ".join(reading.questions) or None]))}
        if when.day:
            update["day"] = when.day
        if when.time:
            update["time"] = when.time
        if s.found.address:
            update["address"] = s.found.address
        elif base.address is None and kind == "showing" and s.lead.facts.address:
            update["address"] = s.lead.facts.address
        plan.appointment = base.model_copy(update=update)
        plan.draft.appointment = plan.appointment

    def _beside_a_time(self, s: Situation, plan: Plan, beside: list[str]) -> list[str]:
        """The topics to answer: none when the text only moves the meeting ("wait no 10 doesnt work.
        12?"), and beside a meeting time only those really asked."""
        if _new_hour(s):
            return []
        return s.reading.topics if plan.draft.appointment is None else beside

    def _asked_beside(self, s: Situation) -> list[str]:
        """The topics a text asks about beside a day and a time: only those its patterns name
        ("Thursday around 10. My number is this one" is not about how we got the number), none
        when it takes the time ("saturday at 10 works for the walk through")."""
        when = s.reading.when
        if not (when.day and when.time):
            return s.reading.topics
        if _ACCEPT.search(fold(s.text)):
            return []
        return [t for t in s.reading.topics if t in self.knowledge.pattern_hits(s.text)]

    def _answers(self, s: Situation, plan: Plan, topics: list[str]) -> None:
        for topic_id in topics:
            topic = self.knowledge.topics[topic_id]
            if topic.needs == "home" and not s.reading.names_home and s.current.facts.address is None:
                plan.which_home = topic_id  # the team needs to know which home before it can act
            again = topic_id in s.lead.answered
            if again and self.knowledge.has_more(topic_id) and more(topic_id) not in s.lead.answered:
                self._details(s, plan, topic_id)  # asked again: the details, not the same words
                continue
            plan.draft.answers.append(self.knowledge.answer(topic_id, s.language, s.context))
            plan.topics.append(topic_id)
            if topic.task and plan.which_home != topic_id:
                plan.tasks.append(topic.task)

    def _situation(self, s: Situation, plan: Plan) -> None:
        """A seller's situation told ("mom passed and left me the house", "going through a divorce")
        is why they are selling: never asked "what's prompting the move?" after it."""
        if s.current.facts.motivation or plan.facts.motivation:
            return
        told = [m for t in plan.topics if t in self.knowledge.topics and (m := self.knowledge.topics[t].motivation)]
        if told:
            plan.facts = plan.facts.merged(Facts(motivation=told[0]))

    def _remark(self, s: Situation, plan: Plan) -> bool:
        """A statement with nothing else in it, right after an answer ("same logo tho")."""
        r, draft = s.reading, plan.draft
        heard = r.topics or r.acts or r.questions or s.found.known() or plan.facts.known() or plan.tasks
        said = draft.answers or draft.appointment or draft.done or draft.opening
        return not (heard or said) and len(s.text.split()) >= _FOLLOW_UP_WORDS

    def _follow_up(self, s: Situation, plan: Plan) -> bool:
        """A question with no topic of its own right after an answer ("does it ever go away?") asks
        about that answer: its details, when the knowledge has them and they were not given yet."""
        question = fold(s.reading.unplaced[0])
        if len(question.split()) > _FOLLOW_UP_WORDS and not REFERS_BACK.search(question):
            return False  # "is the street quiet at least": a new question, not about the last answer
        return self._more_on_last(s, plan)

    def _more_on_last(self, s: Situation, plan: Plan) -> bool:
        for topic_id in s.lead.last_topics:
            if self.knowledge.has_more(topic_id) and more(topic_id) not in s.lead.answered:
                self._details(s, plan, topic_id)
                return True
        return False

    def _details(self, s: Situation, plan: Plan, topic_id: str) -> None:
        plan.draft.answers.append(self.knowledge.answer(topic_id, s.language, s.context, part="more"))
        plan.topics.append(more(topic_id))
        task = self.knowledge.topics[topic_id].task
        if task and task not in plan.tasks:
            plan.tasks.append(task)

    def _unanswered(self, s: Situation, plan: Plan) -> None:
        """ "You didn't answer my question": answer the earlier question now, or pass it on."""
        earlier = s.earlier
        missed = [t for t in (earlier.topics if earlier else []) if t not in plan.topics]
        if missed and not plan.draft.answers:
            # Not answered yet: the answer; answered already: the details, if not given yet.
            fresh = [t for t in missed if t not in s.lead.answered or
                     (self.knowledge.has_more(t) and more(t) not in s.lead.answered)]  # fmt: skip
            if fresh:
                self._answers(s, plan, fresh)
                plan.draft.opening = "sorry"
                return
        if not plan.draft.answers:  # "you didn't really answer me": what the last answer left out, if anything
            left = [t for t in s.lead.last_topics if t in self.knowledge.topics and self.knowledge.has_more(t)
                    and more(t) not in s.lead.answered]  # fmt: skip
            if left:
                self._details(s, plan, left[0])
                plan.draft.opening = "sorry"
                return
        question = s.lead.open_question or (earlier.questions[0] if earlier and earlier.questions else s.earlier_text)
        plan.draft.opening = "sorry_person"
        plan.unanswered = question
        plan.tasks.append(f"Answer the lead's question the bot could not: \u201c{question or 'see the thread'}\u201d")

    # asking one thing ---------------------------------------------------------------------------

    def _ask(self, s: Situation, plan: Plan) -> None:
        draft = plan.draft
        if draft.appointment is not None and draft.appointment.missing:
            draft.question = plan.asked = draft.appointment.missing
            return
        if plan.which_home is not None:
            draft.question = plan.asked = "which_home"
            return
        if draft.unknown or draft.opening == "sorry_person":
            return  # a person is answering: no script question over the top of it
        asked = set(s.lead.asked) | {f"step:{step}" for step in plan.steps}
        asked |= {taken for taken in s.lead.answered if taken.startswith("step:")}
        wanted = [self.knowledge.topics[t.removesuffix(":more")].next for t in plan.topics]
        for step_id in wanted:
            if step_id and f"step:{step_id}" not in asked and not plan.draft.done:
                self._offer(s, plan, self.knowledge.steps[step_id])
                return
        current = s.current.model_copy(update={"facts": s.current.facts.merged(plan.facts)})
        lender = self.knowledge.steps.get("lender_intro")
        unapproved = current.facts.preapproved is False and draft.persona is Persona.BUYER
        if unapproved and lender and "step:lender_intro" not in asked:
            self._offer(s, plan, lender)  # "not yet" to pre-approval: the intro is the next thing
            return
        offered_lender = "step:lender_intro" in asked or any(step == "lender_intro" for step in wanted)
        skip = {"preapproved"} if offered_lender else set()
        key = next_question(current, SCRIPTS[draft.persona], skip)
        if key is not None:
            draft.question = plan.asked = key
            return
        if draft.done or draft.appointment is not None:
            return
        for step in self.knowledge.steps.values():
            if draft.persona in step.personas and f"step:{step.id}" not in asked:
                self._offer(s, plan, step)
                return

    def _offer(self, s: Situation, plan: Plan, step: Step) -> None:
        plan.draft.offer = self.step_text(step, s.language, "ask", s.context)
        plan.asked = f"step:{step.id}"
