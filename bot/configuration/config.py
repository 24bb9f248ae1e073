"""The configuration file (TOML): Jorge's markets and team, validated at start-up.

Errors name the file and the field, e.g. `jorge.toml: team[2].capacity: Input should be greater
than 0`, so a broken edit is fixed in one look.
"""

from __future__ import annotations

import re
import tomllib
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, model_validator

from agents.assignment import Weights
from agents.errors import ConfigError, KnowledgeError
from agents.knowledge import Knowledge, load_knowledge
from agents.markets import Market, MarketCatalog
from agents.team import TeamMember
from knowledge import DEFAULT_DIR as DEFAULT_KNOWLEDGE

EXAMPLE_CONFIG = "jorge.example.toml"
_ZIP = re.compile(r"^\d{5}$")


class Config(BaseModel):
    markets: dict[str, Market]
    team: list[TeamMember]
    assignment: Weights = Weights()
    knowledge_dir: Path | None = None  # relative to the configuration file; unset: the shipped knowledge/

    @model_validator(mode="before")
    @classmethod
    def _keys_into_markets(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("markets"), dict):
            data = dict(data)
            data["markets"] = {
                key: {**value, "key": key} if isinstance(value, dict) else value
                for key, value in data["markets"].items()
            }
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        for key, market in self.markets.items():
            for zip_code in market.zip_codes:
                if not _ZIP.match(zip_code):
                    raise ValueError(f"markets.{key}.zip_codes: {zip_code!r} is not a 5-digit ZIP code")
        for index, member in enumerate(self.team):
            for key in member.markets:
                if key not in self.markets:
                    raise ValueError(f"team[{index}].markets: unknown market {key!r}")
        if not any(member.approver for member in self.team):
            raise ValueError("team: at least one member needs approver = true (Jorge)")
        return self

    @cached_property
    def catalog(self) -> MarketCatalog:
        return MarketCatalog(list(self.markets.values()))

    def knowledge(self) -> Knowledge:
        """The knowledge files, read and checked (a KnowledgeError names the file and field)."""
        try:
            return load_knowledge(self.knowledge_dir or DEFAULT_KNOWLEDGE)
        except KnowledgeError as error:
            raise ConfigError(f"knowledge: {error}") from None

    @property
    def approvers(self) -> list[TeamMember]:
        return [member for member in self.team if member.approver]

    def contacts(self) -> list[str]:
        """Phone numbers and emails the bot may mention: the team's and the partners'."""
        found = [c for m in self.team for c in (m.phone, m.email) if c]
        found += [p.phone for market in self.markets.values() for p in market.partners if p.phone]
        return found


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the configuration file; `None` reads the shipped example."""
    if path is None:
        source = files("bot").joinpath(EXAMPLE_CONFIG)
        name, text = EXAMPLE_CONFIG, source.read_text(encoding="utf-8")
    else:
        file = Path(path)
        name = str(file)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            reason = error.strerror or error
            raise ConfigError(f"{name}: cannot read the configuration file ({reason}); check JORGE_CONFIG") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML: {error}") from None
    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = _location(first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        extra = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise ConfigError(f"{name}: {where}: {message}{extra}") from None
    if config.knowledge_dir is not None and path is not None and not config.knowledge_dir.is_absolute():
        config = config.model_copy(update={"knowledge_dir": Path(path).parent / config.knowledge_dir})
    return config
