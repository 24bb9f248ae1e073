"""What one text says beyond persona, facts and policy: which knowledge topics it asks about,
which kinds of message it holds (thanks, yes, "I'm buying", a request to see a home), whether it
asks something, and the day and time it names.

Each sentence is read alone ("not yet. what credit score do we need?" is a no and a question).
Two signals, both from the knowledge files: the patterns (sure, where a miss is costly) and the
statistical model trained on the examples (for the wordings nobody wrote down).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.knowledge import Knowledge
from agents.text import fold, sentences
from agents.times import When, find_when

# How alike a sentence must be to a kind's examples for the model alone to decide (cosine
# similarity; measured on the shipped examples and the evaluation conversations).
TOPIC_SCORE = 0.30
ACT_SCORE = 0.45
MARGIN = 0.02  # over the best guess of another kind
# ... or, less alike, clearly ahead of every other kind (a long question dilutes the likeness).
TOPIC_FLOOR = 0.17
TOPIC_LEAD = 1.3
MEETING_SCORE = 0.18  # an appointment kind's likeness enough when the sentence names a day and a time
BARE_QUESTION = 3  # words: "son buenas?", "necesito llevarla?" ask about what the sentence before named
SHORT = 6  # words: a longer sentence is not a bare "thanks" or "yes", whatever the model says
MOST_TOPICS = 3  # answers that fit one text (each cut to its first sentence when needed)
WINDOW = 10  # words: a longer sentence with no topic is also read this many words at a time

_QUESTION_START = re.compile(
    r"^(?:(?:and|also|so|but|ok|okay|oh|hey|hi|y|tambien|pero|oye|ah)[\s,]+)*"
    r"(?:what|whats|how|hows|when|whens|where|wheres|who|which|why|is|are|can|could|do|does|did|should|would|will|any|"
    r"anything|anyone|anybody|"
    r"que|como(?!\s+(?:\d|unos|unas|a\s+las?|el|la|de|en|por|\$))|cuanto|cuanta|cuantos|cuantas|cuando|donde|quien|cual|"
    r"cuales|por que|hay|se puede|puedo|podemos|tienen|es|son|necesito|necesitamos)\b"
)
# ... or asks in the middle: "our lease ends in june, can we buy before then", "my score is 560, what can i do".
_QUESTION_INSIDE = re.compile(
    r"\b(?:can|could|should|do|does|did|is|are|will|would|have|has)\s+(?:i|we|you|u|they|it|that|there|he|she|my|"
    r"our|the|this|those|these)\b|\b(?:what|whats|how|hows|when|where|which|why)\b|\bquestion mark\b|"
    r"\b(?:cuanto|cuanta|cuantos|cuantas|cuando|donde|cual|cuales|se puede|puedo|podemos|alcanza|importa)\b"
)
# A sentence that asks without a question mark: "tell me about CalHFA", "need info on closing costs".
_REQUEST = re.compile(
    r"\b(?:tell me|let me know|explain|info|information|wondering|curious|want(?:ed)? to know|need to know|any idea|"
    r"send (?:me|us)|show (?:me|us)|m[aá]nd(?:a|e|en)(?:me|nos)|ens[eé][nñ]e(?:me|nos)|"
    r"help (?:me|us) (?:with|understand)|wants? to know|(?:quiero|queremos|quiere|quieren|quisiera) saber|"
    r"me (?:puede|podria) (?:decir|explicar)|informacion|expliqueme|digame|dudas?)\b"
)
# A question pointing back at what the text (or the last answer) said: "can Jorge help with that?",
# "does it ever go away?", "y sube cada año?".
REFERS_BACK = re.compile(
    r"\b(?:it|that|this|those|these|them|eso|esa|ese|esto|esta|lo|la|what now|now what|what do (?:we|i) do|"
    r"what should (?:we|i) do|what are (?:our|my) options|que hacemos|que hago|y ahora)\b"
)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")  # "si porfa 😊" is "si porfa"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", re.IGNORECASE)
_WHOLE = {"greeting", "thanks", "closing", "later", "not_interested"}  # acts whose patterns hold the whole sentence
APPOINTMENT_ACTS = {"see_home": "showing", "visit_request": "listing_consult", "call_request": "call"}
# "pls dont call me, text only": a wish about calls, never a request for one.
_NO_CALLS = re.compile(
    r"\b(?:don.?t|do not|dont|no|never|stop)\s+(?:call|calling|phone)|\btext(?:ing)?\s+only\b|\bonly\s+text|"
    r"\bno\s+calls?\b|\bno\s+(?:me|nos)\s+(?:llamen|llame|marquen|marque)|\bsolo\s+(?:mensajes|textos?)\b"
)


# Words that say which home: an address, a street ("the one on Base Line", "por la Haven y la Edison"),
# cross streets, a link or an MLS number.
_HOME = re.compile(
    r"https?://|\bmls\b|\b\d{2,6}\s+[a-z]+|\b(?:ave|avenue|st|street|rd|road|dr|drive|blvd|boulevard|way|ln|lane|"
    r"ct|court|pkwy|parkway|calle|avenida)\b|\b(?:on|off|near|by|at|en la|por la|sobre la|cerca de la)\s+(?!(?:the|a|"
    r"an|my|our|your|it|that|this|market|sale|zillow|facebook|instagram|redfin|realtor|line|time|sunday|saturday|weekend)\b)"
    r"[a-z]{3,}(?:\s+(?:and|y|&)\s+[a-z]{3,})?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reading:
    topics: list[str] = field(default_factory=list)  # knowledge topics asked about, surest first
    acts: list[str] = field(default_factory=list)  # kinds of message heard
    questions: list[str] = field(default_factory=list)  # the sentences that ask something
    unplaced: list[str] = field(default_factory=list)  # questions no topic or act explains
    when: When = field(default_factory=When)
    names_home: bool = False  # the text says which home (address, street, cross streets, link)
    steps: list[str] = field(default_factory=list)  # next steps asked for outright (knowledge/steps.toml)

    @property
    def appointment_kind(self) -> str | None:
        """showing, listing_consult or call, when the text asks for one."""
        return next((APPOINTMENT_ACTS[act] for act in self.acts if act in APPOINTMENT_ACTS), None)

    @property
    def only_acts(self) -> bool:
        """Nothing but acts ("ok thanks", "see you then"): a short answer, no new question."""
        return bool(self.acts) and not self.topics and not self.questions


def is_question(sentence: str) -> bool:
    folded = fold(sentence)
    if "?" in folded or _QUESTION_START.match(folded.lstrip("¿¡ ")) is not None:
        return True
    return _QUESTION_INSIDE.search(folded) is not None


class Understanding:
    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.model = knowledge.model

    def read(self, text: str) -> Reading:
        text = _EMOJI.sub(" ", text)
        topics: list[str] = []
        acts: list[str] = []
        questions: list[str] = []
        unplaced: list[str] = []
        stated: list[str] = []  # topics named in a statement: "I want to do a 1031. Can Jorge help with that?"
        said_only: list[str] = []  # of `topics`, those answered because saying them is enough
        for sentence in sentences(text)[:8]:
            found_topics, found_acts = self._kinds(sentence)
            asking = is_question(sentence) or _REQUEST.search(fold(sentence)) is not None
            refers_back = REFERS_BACK.search(fold(sentence)) is not None
            if asking and refers_back and found_topics and not self._sure(sentence, found_topics):
                found_topics = []  # "can u do it from the address?": about the last answer, not a faint new topic
            requested = self.knowledge.step_requests(sentence)
            if found_topics and requested:  # "pls send me the lender info"
                found_topics = [t for t in found_topics if t in self.knowledge.pattern_hits(sentence)]
            if not found_topics and len(sentence.split()) > WINDOW:
                found_topics = self._in_windows(sentence)
            # A topic is answered when asked about ("we're pre-approved" states a fact), or when saying
            # it is enough (a problem: "the seller hasn't moved out"; a situation: "we inherited it").
            # What is asked comes before what is only said: "Inherited mom's condo. Do I pay capital gains?"
            told = [t for t in found_topics if t not in topics and (asking or self._said(t))]
            topics = [t for t in topics if t not in said_only] + told + [t for t in topics if t in said_only]
            if not asking:
                said_only += told
            stated += [t for t in found_topics if not asking]
            acts += [a for a in found_acts if a not in acts]
            if asking:
                questions.append(sentence)
                placing = [a for a in found_acts if a != "reschedule"]  # "does that change it?" asks about the answer
                if not found_topics and not placing and not requested:
                    unplaced.append(sentence)
        points_back = any(REFERS_BACK.search(fold(q)) or len(q.split()) <= BARE_QUESTION for q in unplaced)
        if unplaced and stated and points_back:
            # "I want to do a 1031. Can Jorge help with that?": the question is about what came before.
            topics += [t for t in stated if t not in topics]
            unplaced = []
        # A whole-text pass catches what only the full text shows ("can I see it" + "saturday";
        # "we want to downsize. will our property taxes go up?").
        whole_topics, whole_acts = self._kinds(text, patterns_only=True)
        acts += [a for a in whole_acts if a not in acts]
        if questions:  # a pattern only the whole text matches is the most specific reading of it
            by_sentence = {hit for sentence in sentences(text)[:8] for hit in self.knowledge.pattern_hits(sentence)}
            topics = [t for t in whole_topics if t not in by_sentence and t not in topics] + topics
        names_home = _HOME.search(fold(text)) is not None
        if not any(act in APPOINTMENT_ACTS for act in acts) and (meeting := self._meeting_at(text)):
            acts += meeting  # "can we talk to jorge tonight at 7?" asks for a call, not whether this is Jorge
            topics = [t for t in topics if t != "is_this_jorge" or t in self.knowledge.pattern_hits(text)]
        if _NO_CALLS.search(fold(text)):
            acts = [a for a in acts if a != "call_request"]
        steps = self.knowledge.step_requests(text)
        return Reading(topics[:MOST_TOPICS], acts, questions, unplaced, find_when(text), names_home, steps)

    def _meeting_at(self, text: str) -> list[str]:
        """A sentence with a day and a time that leans toward a kind of meeting ("can we see the model
        homes on sunday at 1?", "ok lets set up a call with jorge tomorrow at noon") asks for it: the
        time says more than the model's likeness alone."""
        for sentence in sentences(text)[:8]:
            when = find_when(sentence)
            if not (when.day and when.time):
                continue
            ranked = [g for g in self.model.guesses(sentence, top=12) if g.label in self.knowledge.acts]
            if ranked and ranked[0].label in APPOINTMENT_ACTS and ranked[0].score >= MEETING_SCORE:
                return [ranked[0].label]
        return []

    def _said(self, topic: str) -> bool:
        return self.knowledge.topics[topic].statement

    def _sure(self, sentence: str, topics: list[str]) -> bool:
        """A pattern found them, or the model is alike enough on its own."""
        if any(t in self.knowledge.pattern_hits(sentence) for t in topics):
            return True
        best = self.model.guesses(sentence, top=1)
        return bool(best) and best[0].label in topics and best[0].score >= TOPIC_SCORE

    def _in_windows(self, sentence: str) -> list[str]:
        """A run-on text ("estamos viendo casas nuevas vale la pena o mejor una usada y de cuanto son los
        impuestos ahi porque dicen que son altos") read a few words at a time: what a stretch of it is
        surely about."""
        words = sentence.split()
        found: list[str] = []
        for start in range(0, len(words) - WINDOW // 2, WINDOW // 2):
            ranked = [g for g in self.model.guesses(" ".join(words[start : start + WINDOW]), top=6)
                      if g.label in self.knowledge.topics]  # fmt: skip
            if not ranked:
                continue
            best, second = ranked[0], (ranked[1].score if len(ranked) > 1 else 0.0)
            sure = best.score >= TOPIC_SCORE and best.score >= TOPIC_LEAD * second
            if sure and self.knowledge.topics[best.label].escalate is None and best.label not in found:
                found.append(best.label)
        return found

    def _kinds(self, sentence: str, *, patterns_only: bool = False) -> tuple[list[str], list[str]]:
        """The topics and acts of one sentence: its patterns first; else the model's best topic and
        best act, each taken when it is alike enough and ahead of the others of its kind."""
        hits = self.knowledge.pattern_hits(sentence)
        topics = [h for h in hits if h in self.knowledge.topics]
        acts = [h for h in hits if h in self.knowledge.acts]
        if patterns_only:
            return topics, acts
        if acts and len(sentence.split()) <= SHORT and (not is_question(sentence) or set(acts) <= _WHOLE):
            return topics, acts  # "Hi there!", "yes please", "hello?": nothing more to read in it
        if _EMAIL.search(sentence):
            return topics, acts  # "my email is dan@gmail.com": an address, not a question about email
        guesses = self.model.guesses(sentence, top=12)
        if len(topics) > 1:  # several patterns: keep the kinds the model also finds close
            scores = {g.label: g.score for g in guesses}
            topics.sort(key=lambda t: -scores.get(t, 0.0))
            top = scores.get(topics[0], 0.0)
            topics = [t for t in topics if scores.get(t, 0.0) >= 0.7 * top]
        if not topics:
            ranked = [g for g in guesses if g.label in self.knowledge.topics]
            if ranked and _clear(ranked[0].score, ranked[1].score if len(ranked) > 1 else 0.0, TOPIC_SCORE):
                best = ranked[0]
                # A topic that escalates holds the reply for Jorge: the model alone must be sure.
                if self.knowledge.topics[best.label].escalate is None or best.score >= TOPIC_SCORE:
                    topics.append(best.label)
        ranked = [g for g in guesses if g.label in self.knowledge.acts]
        second = ranked[1].score if len(ranked) > 1 else 0.0
        short = len(sentence.split()) <= SHORT
        if not acts and short and ranked and ranked[0].score >= ACT_SCORE and ranked[0].score - second >= MARGIN:
            acts.append(ranked[0].label)
        return topics, acts


def _clear(best: float, runner_up: float, enough: float) -> bool:
    """Alike enough and ahead of the runner-up; or less alike but clearly ahead (a long question
    dilutes the likeness)."""
    if best - runner_up < MARGIN:
        return False
    return best >= enough or (best >= TOPIC_FLOOR and best >= TOPIC_LEAD * runner_up)
