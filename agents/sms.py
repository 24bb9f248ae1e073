"""SMS mechanics: keep a reply in the GSM-7 alphabet and within the length limit.

GSM-7 keeps a segment at 160 characters; one character outside it (a curly quote, an "á")
turns the whole text into UCS-2 and 70-character segments, so replies are folded to the
nearest GSM-7 character where the language allows (Spanish keeps ñ, é, ü, ¿ and ¡).
"""

from __future__ import annotations

import re
import unicodedata

MAX_REPLY = 320

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€")

_REPLACEMENTS = {
    "‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
    "…": "...", "\u00a0": " ", "•": "-", "ç": "c", "Á": "A", "Í": "I", "Ó": "O", "Ú": "U",
}  # fmt: skip


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def to_gsm7(text: str) -> str:
    """The closest GSM-7 spelling of `text` (á → a, ’ → ', … → ...)."""
    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
        elif ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(c in GSM7_BASIC for c in base) else "")
    return "".join(out)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


_CLAUSE_END = re.compile(r"(?<=[.!?;:])\s+")


def brief(text: str, at_least: int = 70) -> str:
    """The text's first sentences (or clauses, where a sentence runs on), enough to say something
    ("I'm sorry for your loss." is not)."""
    kept = ""
    for part in _CLAUSE_END.split(text):
        kept = f"{kept} {part}".strip()
        if len(kept) >= at_least:
            break
    return kept.rstrip(";:,") + ("." if kept.endswith((";", ":", ",")) else "")


def fit(text: str, limit: int = MAX_REPLY) -> str:
    """`text` shortened to `limit` characters at a sentence boundary, else a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "..."
