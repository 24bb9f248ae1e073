"""What the assistant knows and may say: topics, next steps and conversational acts, read from the
data files in `knowledge/` (DESIGN.md, "Knowledge"). Code only reads them; Jorge edits them.

    knowledge/topics/<id>.toml   one answerable topic: examples, answer per language, persona,
                                 escalation, the next step it offers, a task it implies, source
    knowledge/steps.toml         next steps the assistant offers (an intro to a lender, a showing,
                                 a valuation visit, a call) and what accepting one records
    knowledge/acts.toml          kinds of message that are not questions: thanks, yes, no, "I'm
                                 buying, not selling", "you didn't answer my question" ...

A broken file stops start-up with a sentence naming the file and the field (`jorge knowledge`
checks the files and renders every answer for every market without starting anything).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from jinja2 import TemplateError
from pydantic import BaseModel, Field, ValidationError, field_validator

from agents.classifier import CentroidClassifier
from agents.errors import KnowledgeError
from agents.text import fold
from agents.types import Language, Persona, Reason
from templates import compile_text

StepKind = Literal["task", "showing", "listing_consult", "call"]



class PerLanguage(BaseModel):
    en: str
    es: str


class Examples(BaseModel):
    en: list[str] = Field(default_factory=list)
    es: list[str] = Field(default_factory=list)

    def of(self, language: Language) -> list[str]:
        return self.en if language is Language.EN else self.es

    def all(self) -> list[str]:
        return [*self.en, *self.es]


_NEGATED = re.compile(r"\b(?:dont|don't|do not|no|stop|never|ya no|nunca)\b[\w\s']{0,12}$")


def _one_pattern(kind: Topic | Step | Act, where: str) -> re.Pattern[str] | None:
    """The kind's patterns as one regular expression (a search per kind, not per pattern), or
    None when it has none; a pattern that is not a regular expression is named with its file."""
    patterns = kind.patterns.all()
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise KnowledgeError(f"{where}: patterns: {pattern!r} is not a regular expression ({error})") from None
        raise


class Topic(BaseModel):
    """One kind of question the assistant answers."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    persona: Persona | None = None  # None: whoever is answering the lead already
    escalate: Reason | None = None
    next: str | None = None  # a step id (steps.toml)
    task: str | None = None  # recorded for the lead's owner whenever this answer goes out
    statement: bool = False  # answered when the lead only says it ("the seller hasn't moved out"), not just asks
    motivation: str | None = None  # why a seller who says this is selling ("inherited the home"): not asked again
    needs: Literal["home"] | None = None  # "home": which home the lead means (address, street, link) before the task
    source: str = Field(min_length=3)
    checked: date
    examples: Examples
    patterns: Examples = Field(default_factory=Examples)
    answer: PerLanguage
    more: PerLanguage | None = None  # details for a follow-up ("does it ever go away?", asked again)

    @field_validator("persona", "escalate", "next", "task", "needs", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("examples")
    @classmethod
    def _enough_examples(cls, value: Examples) -> Examples:
        if len(value.en) < 3 or len(value.es) < 3:
            raise ValueError("needs at least 3 examples in each language (en and es)")
        return value


class Step(BaseModel):
    """A next step the assistant offers; accepting it records a task or an appointment request."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: StepKind
    ask: PerLanguage  # the offer, as a question
    task: str | None = None  # for kind = "task": what the owner is asked to do
    done: PerLanguage | None = None  # for kind = "task": the reply once accepted
    personas: list[Persona] = Field(default_factory=list)  # offered when nothing else is left to ask
    patterns: Examples = Field(default_factory=Examples)  # the lead asking for it outright ("connect me w a lender")


class Act(BaseModel):
    """A kind of message that is not a question: "thanks", "yes", "I'm buying, not selling"."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    examples: Examples = Field(default_factory=Examples)
    patterns: Examples = Field(default_factory=Examples)


@dataclass
class Knowledge:
    topics: dict[str, Topic]
    steps: dict[str, Step]
    acts: dict[str, Act]
    _answers: dict[tuple[str, Language, str], Any] = field(default_factory=dict, repr=False)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)
    _step_patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for topic in self.topics.values():
            if topic.next is not None and topic.next not in self.steps:
                raise KnowledgeError(f"topics/{topic.id}.toml: next: no step {topic.next!r} in steps.toml")
            for part in ("answer", "more"):
                texts = getattr(topic, part)
                for language in Language if texts is not None else ():
                    try:
                        self._answers[(topic.id, language, part)] = compile_text(getattr(texts, language.value))
                    except TemplateError as error:
                        raise KnowledgeError(f"topics/{topic.id}.toml: {part}.{language.value}: {error}") from None
        wheres: list[tuple[Topic | Act, str]] = [(t, f"topics/{t.id}.toml") for t in self.topics.values()]
        wheres += [(a, f"acts.toml: [{a.id}]") for a in self.acts.values()]
        for kind, where in wheres:
            if (pattern := _one_pattern(kind, where)) is not None:
                self._patterns[kind.id] = pattern
        for step in self.steps.values():
            if (pattern := _one_pattern(step, f"steps.toml: [{step.id}]")) is not None:
                self._step_patterns[step.id] = pattern

    @cached_property
    def model(self) -> CentroidClassifier:
        """The classifier trained on every example, built on first use and kept with the knowledge."""
        return CentroidClassifier(self.labelled_examples())

    def answer(self, topic_id: str, language: Language, context: Mapping[str, Any], part: str = "answer") -> str:
        """The topic's answer (or, `part="more"`, its details) in `language`, filled with `context`
        (market, facts, partner, owner)."""
        return " ".join(self._answers[(topic_id, language, part)].render(**context).split())

    def has_more(self, topic_id: str) -> bool:
        return self.topics[topic_id].more is not None

    def pattern_hits(self, text: str) -> list[str]:
        """Ids of the topics and acts whose patterns match `text` (folded: lowercase, no accents)."""
        folded = fold(text)
        return [kind for kind, pattern in self._patterns.items() if pattern.search(folded)]

    def step_requests(self, text: str) -> list[str]:
        """Ids of the steps the lead asks for outright in `text` ("send me the lender's info")."""
        folded = fold(text)
        return [
            step for step, pattern in self._step_patterns.items()
            if (found := pattern.search(folded)) and not _NEGATED.search(folded[: found.start()])
        ]  # fmt: skip

    def labelled_examples(self) -> Iterable[tuple[str, str]]:
        """(text, topic or act id) for training the classifier."""
        kinds: list[Topic | Act] = [*self.topics.values(), *self.acts.values()]
        for kind in kinds:
            for text in kind.examples.all():
                yield text, kind.id


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise KnowledgeError(f"{path.name}: not valid TOML: {error}") from None
    except OSError as error:
        raise KnowledgeError(f"{path}: cannot read ({error.strerror or error})") from None


def _validated(model: type[BaseModel], data: dict[str, Any], where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        raise KnowledgeError(f"{where}: {loc}: {message}") from None


# The last knowledge read from each folder, with the files' sizes and times it was read from: the
# web app, the worker and every `jorge` command in one process share it until a file changes.
_LOADED: dict[Path, tuple[tuple[tuple[str, int, int], ...], Knowledge]] = {}


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    paths = [directory / "steps.toml", directory / "acts.toml", *sorted((directory / "topics").glob("*.toml"))]
    stats = [(str(path), path.stat()) for path in paths if path.exists()]
    return tuple((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats)


def load_knowledge(directory: Path) -> Knowledge:
    """Every knowledge file under `directory`, read and validated (again only when a file changed)."""
    directory = directory.resolve()
    signature = _signature(directory)
    kept = _LOADED.get(directory)
    if kept is not None and kept[0] == signature:
        return kept[1]
    knowledge = _read_knowledge(directory)
    _LOADED[directory] = (signature, knowledge)
    return knowledge


def _read_knowledge(directory: Path) -> Knowledge:
    topics_dir = directory / "topics"
    if not topics_dir.is_dir():
        raise KnowledgeError(f"{directory}: no topics/ folder; check knowledge_dir in the configuration file")
    topics = {}
    for path in sorted(topics_dir.glob("*.toml")):
        topic = _validated(Topic, {"id": path.stem, **_read(path)}, f"topics/{path.name}")
        topics[topic.id] = topic
    steps = {
        key: _validated(Step, {"id": key, **value}, f"steps.toml: [{key}]")
        for key, value in _read(directory / "steps.toml").items()
    }
    acts = {
        key: _validated(Act, {"id": key, **value}, f"acts.toml: [{key}]")
        for key, value in _read(directory / "acts.toml").items()
    }
    clash = set(topics) & set(acts)
    if clash:
        raise KnowledgeError(f"acts.toml: {sorted(clash)} are also topics; give them other names")
    return Knowledge(topics=topics, steps=steps, acts=acts)
