"""Text as the understanding reads it: lowercase, accents off, one space between words."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_SENTENCE = re.compile(
    r"(?<=[.!?])\s+|\s*\n+\s*|\s+(?=[¿¡])"
    # "how much are taxes and is there an HOA?": a second question joined by "and"
    r"|,?\s+(?:and|also|plus|y|tambien)\s+(?=(?:is|are|what|whats|how|when|where|do|does|can|any|will|hay|que|cuanto|"
    r"cuanta|como|cuando|donde|se puede)\b)"
)


def fold(text: str) -> str:
    """'¿Cuánto  CUESTA?' → '¿cuanto cuesta?': lowercase, no accents (ñ too: leads type 'nino'),
    single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return _SPACES.sub(" ", "".join(c for c in decomposed if not unicodedata.combining(c))).strip()


def sentences(text: str) -> list[str]:
    """The text split where a sentence ends (or a Spanish question starts), blanks dropped."""
    return [part.strip() for part in _SENTENCE.split(text) if part and part.strip(" .!?¿¡\n")]
