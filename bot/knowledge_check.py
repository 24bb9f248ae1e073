"""`jorge knowledge`: check the knowledge files and show every answer as a lead would read it.

Each topic is rendered in both languages for every market (and for a lead whose market is not
known yet); an answer that is too long, fails the quality gate, or says a person will act without
a task or an escalation behind it is reported, with the file to fix.
"""

from __future__ import annotations

from agents.knowledge import Knowledge
from agents.promises import promises
from agents.quality import check_reply
from agents.types import Facts, Language
from agents.voice import answer_context
from bot.config import Config

MAX_ANSWER = 230  # leaves room for the greeting of a first reply and one question in 320


def check_knowledge(knowledge: Knowledge, config: Config) -> tuple[list[str], list[str]]:
    """(what to show, the problems): each answer once per language, and what is wrong where."""
    shown: list[str] = []
    problems: list[str] = []
    markets = [None, *config.markets.values()]
    sample = Facts(price=650_000, bedrooms=3)
    for topic in knowledge.topics.values():
        for language in Language:
            for market, part in [(m, p) for m in markets for p in ("answer", "more") if p == "answer" or topic.more]:
                context = answer_context(sample, market, "Maria")
                text = knowledge.answer(topic.id, language, context, part)
                where = f"topics/{topic.id}.toml {part}.{language.value} ({market.name if market else 'no market'})"
                if len(text) > MAX_ANSWER:
                    problems.append(f"{where}: {len(text)} characters, at most {MAX_ANSWER}")
                problems += [f"{where}: {problem}" for problem in check_reply(text, allowed_contacts=config.contacts())]
                if promises(text) and not (topic.task or topic.escalate):
                    problems.append(f"{where}: says a person will act, but the topic has no task")
                if market is markets[-1] and part == "answer":
                    shown.append(
                        f"{topic.id} [{language.value}, {topic.persona.value if topic.persona else '-'}] {text}"
                    )
    return shown, sorted(set(problems))
