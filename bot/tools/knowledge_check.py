"""`jorge knowledge`: check the knowledge files and show every answer as a lead would read it.

Each topic is rendered in both languages for every market (and for a lead whose market is not
known yet); an answer that is too long, fails the quality gate, or says a person will act without
a task or an escalation behind it is reported, with the file to fix.
"""

from __future__ import annotations

import re

from agents.knowledge import Knowledge
from agents.promises import promises
from agents.quality import check_reply
from agents.types import Facts, Language
from agents.voice import answer_context
from bot.configuration.config import Config

MAX_ANSWER = 230  # leaves room for the greeting of a first reply and one question in 320
# The first reply's introduction says this; an answer that says it again reads as a second introduction.
_OPT_OUT_LINE = re.compile(r"reply stop|responda stop|stop to opt out|stop para (no recibir|dejar)", re.IGNORECASE)


def check_knowledge(knowledge: Knowledge, config: Config) -> tuple[list[str], list[str]]:
    """(what to show, the problems): each answer once per language, and what is wrong where."""
    shown: list[str] = []
    problems: list[str] = []
    markets = [None, *config.markets.values()]
    samples = (Facts(), Facts(price=650_000, bedrooms=3))  # what a lead has said so far: nothing, or a lot
    for topic in knowledge.topics.values():
        for language in Language:
            wanted = ("answer", "more") if topic.more else ("answer",)
            parts = [(m, p, f) for m in markets for p in wanted for f in samples]
            for market, part, sample in parts:
                context = answer_context(sample, market, "Maria")
                text = knowledge.answer(topic.id, language, context, part)
                where = f"topics/{topic.id}.toml {part}.{language.value} ({market.name if market else 'no market'})"
                if len(text) > MAX_ANSWER:
                    problems.append(f"{where}: {len(text)} characters, at most {MAX_ANSWER}")
                problems += [f"{where}: {problem}" for problem in check_reply(text, allowed_contacts=config.contacts())]
                if _OPT_OUT_LINE.search(text):
                    problems.append(f"{where}: repeats the introduction's opt-out line; say 'texting STOP ends them'")
                if promises(text) and not (topic.task or topic.escalate):
                    problems.append(f"{where}: says a person will act, but the topic has no task")
                if market is markets[-1] and part == "answer" and sample is samples[-1]:
                    shown.append(
                        f"{topic.id} [{language.value}, {topic.persona.value if topic.persona else '-'}] {text}"
                    )
    return shown, sorted(set(problems))
