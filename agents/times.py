"""The day and time a lead asks for, in English or Spanish: "this Saturday at 2", "tomorrow after
5", "el domingo en la tarde", "mañana a las 10". Kept as the lead meant it ("saturday", "2 pm")
for the reply to echo and the team to confirm; hours without am/pm are read the way showings are
booked (1-7 → pm, 8-11 → am).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agents.text import fold

_DAYS = {
    "monday": "monday", "mon": "monday", "lunes": "monday",
    "tuesday": "tuesday", "tue": "tuesday", "tues": "tuesday", "martes": "tuesday",
    "wednesday": "wednesday", "wed": "wednesday", "weds": "wednesday", "miercoles": "wednesday",
    "thursday": "thursday", "thu": "thursday", "thur": "thursday", "thurs": "thursday", "jueves": "thursday",
    "friday": "friday", "fri": "friday", "viernes": "friday",
    "saturday": "saturday", "sat": "saturday", "sabado": "saturday",
    "sunday": "sunday", "sun": "sunday", "domingo": "sunday",
    "today": "today", "hoy": "today", "tonight": "today",
    "tomorrow": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow", "tomorow": "tomorrow", "2morrow": "tomorrow",
    "weekend": "weekend", "next week": "next week", "la proxima semana": "next week",
    "la semana que viene": "next week", "fin de semana": "weekend", "pasado manana": "day after tomorrow",
    "day after tomorrow": "day after tomorrow",
}  # fmt: skip
_DAY = re.compile(
    r"\b(?:(?P<next>next|this|proximo|este)\s+)?(?P<day>"
    + "|".join(sorted((re.escape(d) for d in _DAYS), key=len, reverse=True))
    + r")\b"
)
# Spanish "mañana" is tomorrow unless it is the morning ("en la mañana", "de la mañana").
_MANANA = re.compile(r"(?<!la )(?<!las )\bmanana\b")
_PARTS = {
    "morning": "morning", "afternoon": "afternoon", "evening": "evening", "tonight": "evening", "noon": "noon",
    "en la manana": "morning", "por la manana": "morning", "en la tarde": "afternoon", "por la tarde": "afternoon",
    "en la noche": "evening", "por la noche": "evening", "mediodia": "noon", "lunch": "noon",
}  # fmt: skip
_PART = re.compile(r"\b(?:" + "|".join(sorted(_PARTS, key=len, reverse=True)) + r")\b")
_CLOCK = re.compile(
    r"(?P<pre>\b(?:at|@|by|around|about|after|before|from|do|make\s+it|how\s+about|what\s+about|a\s+las?|"
    r"(?:push|move|change|switch)(?:\s+it)?\s+to|"
    r"como\s+a\s+las?|despues\s+de\s+las?|antes\s+de\s+las?|mejor\s+a\s+las?)\s+|@)?"
    r"(?<![\d$.,/])(?P<hour>1[0-2]|0?[1-9])(?![\d])(?::(?P<minute>[0-5]\d))?\s*"
    r"(?P<ampm>a\.?m\.?|p\.?m\.?|am|pm|de\s+la\s+manana|de\s+la\s+tarde|de\s+la\s+noche|o'?clock|ish)?"
    r"(?![\d,.]*\s*(?:k\b|bed|br\b|bd|ba\b|bath|mil|%|sq|years?|yrs?|months?|days?|weeks?|kids|people|offers?))"
)
_RELATION = {"after": "after", "despues": "after", "before": "before", "antes": "before", "around": "around",
             "about": "around", "como": "around"}  # fmt: skip


_DECLINED_BEFORE = re.compile(
    r"\b(?:not|no|can.?t do|cannot do|instead of|en vez de|no puedo|no podemos)\s+(?:on\s+|el\s+|this\s+|este\s+)?$"
)
_DECLINED_AFTER = re.compile(
    r"^\s*(?:got busy|is busy|doesn.?t work|won.?t work|is out|is taken|no puedo|no podemos|ya no|"
    r"tengo (?:cita|trabajo)|estoy ocupad[oa])"
)


def _declined(text: str, match: re.Match[str]) -> bool:
    """ "not friday, saturday at 6", "sunday same time, sat got busy": a day turned down."""
    before, after = text[max(0, match.start() - 15) : match.start()], text[match.end() : match.end() + 20]
    return bool(_DECLINED_BEFORE.search(before) or _DECLINED_AFTER.match(after))


@dataclass(frozen=True)
class When:
    day: str | None = None  # "saturday", "tomorrow", "next week" ...
    time: str | None = None  # "2 pm", "after 5 pm", "morning" ...

    def __bool__(self) -> bool:
        return self.day is not None or self.time is not None


def _clock(match: re.Match[str]) -> str | None:
    pre, ampm = (match.group("pre") or "").strip(), (match.group("ampm") or "").replace(".", "").replace(" ", "")
    if not pre and not ampm and not match.group("minute"):
        return None  # a bare number is a count or a price, not a time
    hour = int(match.group("hour"))
    if ampm.startswith("a") or ampm == "delamanana":
        half = "am"
    elif ampm.startswith("p") or ampm in ("delatarde", "delanoche"):
        half = "pm"
    else:
        half = "am" if 8 <= hour <= 11 else "pm"
    minute = f":{match.group('minute')}" if match.group("minute") and match.group("minute") != "00" else ""
    relation = next((v for k, v in _RELATION.items() if pre.startswith(k)), "")
    return f"{relation} {hour}{minute} {half}".strip()


def find_when(text: str) -> When:
    """The day and time named in `text`, either of which may be missing. Of several, the one the
    lead moves to ("mejor a las 11", "push it to 6", "instead") beats one turned down ("not friday",
    "a las 10 tengo cita"), and a named day beats "this weekend"."""
    folded = fold(text)
    day = None
    days = [m for m in _DAY.finditer(folded) if not _declined(folded, m)]
    match = _preferred(folded, days, vague=lambda m: _DAYS[m.group("day")] in _VAGUE_DAYS)
    if match:
        day = _DAYS[match.group("day")]
        if match.group("next") in ("next", "proximo") and day not in ("next week", "today", "tomorrow"):
            day = f"next {day}"
    elif _MANANA.search(folded):
        day = "tomorrow"
    clocks = [m for m in _CLOCK.finditer(folded) if _clock(m) and not _declined(folded, m)]
    chosen = _preferred(folded, clocks)
    time = _clock(chosen) if chosen else None
    if time is None:
        part = _PART.search(folded)
        if part:
            time = _PARTS[part.group(0)]
        elif "tonight" in folded:
            time = "evening"
    return When(day, time)


_VAGUE_DAYS = frozenset({"weekend", "next week"})
_MOVED_TO = re.compile(
    r"\b(?:mejor|instead|how about|what about|push(?: it)? to|move(?: it)? to|change(?: it)? to|make it|do|"
    r"switch(?: it)? to|cambiar(?:la)? (?:a|para)|para el)\s+(?:el\s+|a\s+las?\s+|at\s+|on\s+)?$"
)


def _preferred(
    text: str, matches: list[re.Match[str]], vague: Callable[[re.Match[str]], bool] | None = None
) -> re.Match[str] | None:
    """The match the lead moves to, else the first specific one, else the first."""
    for match in matches:
        at = match.start("hour" if "hour" in match.re.groupindex else "day")
        if _MOVED_TO.search(text[max(0, at - 20) : at]):
            return match
    specific = [m for m in matches if vague is None or not vague(m)]
    chosen = specific or matches
    return chosen[0] if chosen else None
