"""Geographic market knowledge: which of Jorge's markets a message is about, and local facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from agents.schedule import TEAM_ZONE


class Partner(BaseModel):
    role: str  # "lender" | "inspector" | "title" ...
    name: str
    phone: str | None = None


class Market(BaseModel):
    key: str
    name: str
    cities: list[str]
    neighbourhoods: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    zip_codes: list[str]
    time_zone: str = TEAM_ZONE
    median_price: int | None = None
    price_range: tuple[int, int] | None = None
    days_on_market: int | None = None
    price_per_sqft: int | None = None
    trend: str | None = None
    partners: list[Partner] = Field(default_factory=list)
    # Anything else the knowledge answers may say about the market (as_of, rent_3bed, cap_rate,
    # school_districts, crime_map, mello_roos ...): Jorge adds a fact here and uses it in an answer.
    facts: dict[str, str | int | float | list[str]] = Field(default_factory=dict)

    def partner(self, role: str) -> Partner | None:
        return next((p for p in self.partners if p.role == role), None)


_WORD = re.compile(r"[a-záéíóúñü]+")
_ZIP = re.compile(r"(?<![\d$.,])(9\d{4})(?!\d|,\d|k\b)")


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """One letter added, dropped, changed, or two neighbouring letters swapped ("Ontairo"), though
    not the first two: "notario" (Spanish for notary) is not a misspelt Ontario."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if (
            len(diffs) == 2
            and diffs[0] > 0
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        ):
            return True
    if len(a) > len(b):
        a, b = b, a
    i = j = 0
    edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


_NEGATED = re.compile(r"\b(?:not|no|ni|nope)\s+(?:in\s+|en\s+)?$")


@dataclass
class MarketCatalog:
    """Finds markets in free text by name, neighbourhood, alias or ZIP code.

    Names are matched as whole words; names of seven letters or more also match with one typo
    ("Rancho Cucamunga"), because leads type fast on phones.
    """

    markets: list[Market]
    _names: list[tuple[tuple[str, ...], str]] = field(init=False, default_factory=list)
    _zips: dict[str, str] = field(init=False, default_factory=dict)
    _exact: re.Pattern[str] = field(init=False, default=re.compile(r"(?!)"))
    _by_name: dict[str, str] = field(init=False, default_factory=dict)
    _squashed: dict[str, str] = field(init=False, default_factory=dict)
    _places: dict[str, str] = field(init=False, default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The markets' names, in the configuration's order."""
        return [market.name for market in self.markets]

    def __post_init__(self) -> None:
        for market in self.markets:
            for name in [*market.cities, *market.neighbourhoods, *market.aliases]:
                self._names.append((tuple(_WORD.findall(name.lower())), market.key))
            for zip_code in market.zip_codes:
                self._zips[zip_code] = market.key
            self._places.update(
                {" ".join(_WORD.findall(p.lower())): p for p in [*market.cities, *market.neighbourhoods]}
            )
        # Longest names first, so "Chino Hills" wins over "Chino" and "Ontario Ranch" over "Ontario".
        self._names.sort(key=lambda item: -sum(len(w) for w in item[0]))
        self._by_name = {" ".join(words): key for words, key in self._names}
        self._squashed = {"".join(words): key for words, key in self._names if len("".join(words)) >= 6}
        alternatives = "|".join(r"\s+".join(map(re.escape, words)) for words, _ in self._names)
        self._exact = re.compile(rf"(?<![a-záéíóúñü])(?:{alternatives})(?![a-záéíóúñü])", re.IGNORECASE)

    def place(self, text: str) -> str | None:
        """The city or neighbourhood the text names, as the configuration spells it ("Chino", "Alta
        Loma"), so a reply echoes the lead's own place rather than the market's name."""
        named = self._named(text.lower())
        return self._places.get(named) if named else None

    def _named(self, lowered: str) -> str | None:
        for match in self._exact.finditer(lowered):
            if not _NEGATED.search(lowered[max(0, match.start() - 8) : match.start()]):
                return " ".join(match.group(0).split())
        return None

    def get(self, key: str | None) -> Market | None:
        return next((m for m in self.markets if m.key == key), None)

    def find(self, text: str) -> str | None:
        """The key of the first market the text names ("Chino not Chino Hills": not what it says is
        not meant), or None."""
        lowered = text.lower()
        exact = self._named(lowered)
        if exact is not None:
            return self._by_name[exact]
        for zip_code in _ZIP.findall(lowered):
            if zip_code in self._zips:
                return self._zips[zip_code]
        words = _WORD.findall(lowered)
        # Voice-to-text splits names ("up land", "Rancho Cuca Monga"): join neighbouring words.
        for size in (2, 3):
            for i in range(len(words) - size + 1):
                joined = "".join(words[i : i + size])
                if joined in self._squashed:
                    return self._squashed[joined]
        best: tuple[int, str] | None = None
        for name, key in self._names:
            position = _find_words(words, name)
            if position is not None and (best is None or position < best[0]):
                best = (position, key)
        return best[1] if best is not None else None


def _find_words(words: list[str], name: tuple[str, ...]) -> int | None:
    n = len(name)
    for i in range(len(words) - n + 1):
        if all(_word_matches(words[i + k], name[k]) for k in range(n)):
            return i
    return None


def _word_matches(word: str, name_word: str) -> bool:
    if word == name_word:
        return True
    return len(name_word) >= 7 and abs(len(word) - len(name_word)) <= 1 and _edit_distance_at_most_one(word, name_word)
