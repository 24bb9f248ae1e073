"""Facts from a lead's words: price, bedrooms, bathrooms, pre-approval, timeline and the like.

Prices are whole dollars. The hard part is what is *not* a price: a ZIP code, a year, a credit
score, square footage, a monthly payment, a down payment, a credit or a difference ("50k under
asking"). Each number is read with the words around it before it counts.
"""

from __future__ import annotations

import re

from agents.language import detect_language
from agents.types import Facts, Language

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
}  # fmt: skip

_AMOUNT = re.compile(
    r"(?P<dollar>\$\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<unit>k|m|mm|mil|mill|million|millions|millones|millon|millón|thousand|grand)(?![a-z]))?"
    r"(?P<plus>\+)?"
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|to|a|y|and)\s*\$?\s?\d")

# Words right after a number that make it something other than a home price.
_NOT_PRICE_AFTER = re.compile(
    r"^\s*(?:%|percent|por ciento|sq|sqft|square|sf\b|ft|feet|pies|metros|credit|fico|score|"
    r"under|over|below|above|less|more|off\b|higher|lower|back|cheaper|in closing|closing|"
    r"in credits?|down\b|deposit|earnest|emd\b|a month|per month|/mo|mo\b|monthly|al mes|"
    r"a year|per year|/yr|yearly|annual|income|salary|de enganche|(?:para\s+)?(?:el\s+)?enganche|for\s+(?:the\s+)?down|"
    r"for\s+closing|to\s+bring|(?:in\s+)?equity|ahorrad|saved|in\s+savings|savings|de credito|de crédito|"
    r"in repairs|for repairs|repairs|de diferencia|menos|dollars? (?:a|per) month|hoa|"
    r"years?|yrs?|months?|days?|weeks?|hours?|minutes?|mins?|am\b|pm\b|o'?clock|"
    r"beds?|bedrooms?|baths?|bathrooms?|bd|br|ba\b|recamaras?|recámaras?|cuartos?|"
    r"habitaci|dormitorios?|baños?|banos?|car|garage|units?|acres?|lots?|offers?\b|people|kids|"
    r"st\b|nd\b|rd\b|th\b)"
)
# Words just before a number that make it something other than a home price.
_NOT_PRICE_BEFORE = re.compile(
    r"(?:credit(?: score)?(?: is| of| around| about| at|'s)*|score(?: is| of)?|fico|puntaje(?: es)?(?: de)?|cr[eé]dito(?: es| est[aá]| anda)?(?: de| en| como| por)?|"
    r"loan(?: amount)?(?: is| of| for)?|mortgage(?: amount| balance)?(?: is| of)?|pr[eé]stamo(?: es)?(?: de)?|"
    r"(?:neighbou?rs?|next door|down the street|comps?|similar homes?|the one)\b[^.?!]{0,25}\b(?:sold|went|listed|closed)(?: for| at)?|"
    r"down payment(?: of| is)?|deposit(?: of)?|enganche(?: de)?|emd|earnest money(?: of)?|"
    r"rent(?: is| of)?|payment(?: is| of)?|hoa(?: is| of| de| dues| fees?)?(?: under| below| less than| around| about| max| no more than| es de| como)?|dues(?: are| of)?|income(?: is| of)?|"
    r"salary(?: is| of)?|make|makes|making|by|reduce(?:d)? by|drop(?:ped)?(?: it)? by|"
    r"owe|owed|owing|still owe|payoff|pay off|balance of|loan balance|mortgage balance|debo|debemos|"
    r"credit of|credits? of|closing costs? of|repairs? of|ganamos|gano|pagamos|renta(?: de)?|"
    r"built in|since|year|zip|zip code|código postal|codigo postal|"
    r"unit|apt|suite|#|(?:bought|purchased|paid|compramos|pagamos)(?:\s+[\w,]+){0,8}?(?:\s+for)?)"
    r"(?:\s+(?:like|about|around|roughly|approximately|approx|maybe|only|just|como|unos))?\s*~?\s*$"
)
# Words before a bare three-digit number that make it thousands of dollars ("countered at 655").
# "worth about 1.05", "budget is 1.2": a price in millions said without the M (not "rates at 6.5").
_MILLIONS_BEFORE = re.compile(
    r"\b(?:worth|budget(?: is| of)?|price(?: is| of)?|asking|listed(?: at)?|sell(?: it)? for|up to|hasta|max)"
    r"(?: about| around| like)?\s*\$?\s*$"
)
_PRICE_CONTEXT_BEFORE = re.compile(
    r"(?:at|for|of|offered|offer|counter(?:ed)?|budget(?: is| of)?|around|about|asking|under|"
    r"up to|upto|hasta|max|maximum|listed(?: at)?|list(?: at)?|price(?: is| of)?|priced(?: at)?|pay|"
    r"worth|approved(?: for)?|accept(?:ed)?|sell(?: it)? for|de|por|en|como|near|close to|"
    r"between)\s*\$?\s*$"
)
_ADDRESS = re.compile(
    r"\b(\d{2,6})\s+(?:[nsew]\.?\s+)?[a-z]+(?:\s+[a-z]+)?\s+"
    r"(?:st|street|ave|avenue|rd|road|dr|drive|ln|lane|way|ct|court|blvd|boulevard|pl|place|cir|"
    r"circle|ter|terrace|pkwy|parkway|calle|avenida)\b\.?",
    re.IGNORECASE,
)

_SPOKEN = re.compile(
    r"\b([1-9])\s+(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(five))?\b(?!\s*(?:%|percent|sq|k\b))"
)
_TENS = {"twenty": 2, "thirty": 3, "forty": 4, "fifty": 5, "sixty": 6, "seventy": 7, "eighty": 8, "ninety": 9}

# Prices in words: "pre approved for six fifty", "half a million", "medio millón",
# "un millón doscientos mil", "cuatrocientos cincuenta mil". Only read when no figure is written.
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_ES_UNITS = {"un": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
             "nueve": 9}  # fmt: skip
_ES_TENS = {"veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
            "ochenta": 80, "noventa": 90}  # fmt: skip
_ES_HUNDREDS = {"cien": 100, "ciento": 100, "doscientos": 200, "trescientos": 300, "cuatrocientos": 400,
                "quinientos": 500, "seiscientos": 600, "setecientos": 700, "ochocientos": 800, "novecientos": 900}  # fmt: skip


def _alternatives(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_EN_SPOKEN = re.compile(
    rf"\b(?P<lead>{_alternatives(_UNITS)})\s+(?:(?P<hundred>hundred)(?:\s+(?:and\s+)?(?P<htens>{'|'.join(_TENS)}))?"
    rf"(?:[\s-]+(?P<hunits>{_alternatives(_UNITS)}))?\s+(?:thousand|k|grand)\b"
    rf"|(?P<tens>{'|'.join(_TENS)})(?:[\s-]+(?P<five>five))?\b)"
)
_EN_MILLION = re.compile(
    r"\bhalf\s+a\s+mil(?:lion)?\b"
    rf"|\b(?:a|one)\s+million(?:(?P<half>\s+and\s+a\s+half)|\s+(?P<hundreds>{_alternatives(_UNITS)})\b(?!\s+(?:hundred|thousand)))?"
    rf"|\b(?P<whole>{_alternatives(_UNITS)})\s+point\s+(?P<tenths>{_alternatives(_UNITS)})(?:\s+(?:million|mil|m)\b)?"
)


def _es_thousands(group: str) -> str:
    """'cuatrocientos cincuenta y cinco mil': hundreds, tens and units of thousands, as named groups."""
    return (
        rf"(?P<{group}h>{_alternatives(_ES_HUNDREDS)})(?:\s+(?P<{group}t>{_alternatives(_ES_TENS)}))?"
        rf"(?:\s+y\s+(?P<{group}u>{_alternatives(_ES_UNITS)}))?\s+mil\b"
    )


_ES_SPOKEN = re.compile(
    r"\bmedio\s+mill[oó]n\b"
    rf"|\b(?P<m>{_alternatives(_ES_UNITS)})\s+mill(?:ones|[oó]n)\b(?P<half>\s+y\s+medio)?(?:\s+{_es_thousands('a')})?"
    rf"|\b{_es_thousands('b')}"
)
# Words just before a spelled-out amount that make it a budget or a price: "thanks a million",
# "meet at six thirty" and "un millón de gracias" are not.
_EN_CONTEXT = re.compile(
    r"(?:(?:approved|qualified)\s+(?:for|up\s+to)|budget(?:\s+is|\s+of)?|up\s+to|under|below|max(?:imum)?|around|"
    r"about|asking|worth|sell\s+(?:it\s+)?for|list\s+(?:it\s+)?for|afford|spend|pay|offer(?:ed)?|go|get)\s*\$?$"
)
_ES_CONTEXT = re.compile(
    r"(?:hasta|presupuesto(?:\s+es)?(?:\s+de)?|como|unos|de|por|en|menos\s+de|m[aá]ximo|"
    r"aprobad[oa]s?\s+(?:por|para|hasta)|vale|pagar|gastar)\s*\$?$"
)


# ...or just after it: "medio millón máximo".
_ES_AFTER = re.compile(r"\s*(?:m[aá]ximo|max|tope|o\s+menos|de\s+presupuesto|para\s+(?:la|una)\s+casa)\b")


def _after(context: re.Pattern[str], text: str, start: int) -> bool:
    return bool(context.search(text[max(0, start - 40) : start].rstrip()))


def _spelled_price(text: str) -> int | None:
    """A budget or price written in words, or None."""
    for match in _ES_SPOKEN.finditer(text):
        millions = match.group("m") or match.group(0).startswith("medio")
        if _NOT_PRICE_BEFORE.search(text[max(0, match.start() - 60) : match.start()]):
            continue
        if millions and not _after(_ES_CONTEXT, text, match.start()) and not _ES_AFTER.match(text[match.end() :]):
            continue
        if match.group(0).startswith("medio"):
            return 500_000
        if match.group("m"):
            value = _ES_UNITS[match.group("m")] * 1_000_000 + (500_000 if match.group("half") else 0)
            return value + _thousands_value(match, "a")
        return _thousands_value(match, "b")
    for match in _EN_MILLION.finditer(text):
        if not _after(_EN_CONTEXT, text, match.start()):
            continue
        if match.group(0).startswith("half"):
            return 500_000
        if match.group("whole"):  # "one point one": millions, the way people say a price
            return _UNITS[match.group("whole")] * 1_000_000 + _UNITS[match.group("tenths")] * 100_000
        extra = (
            500_000
            if match.group("half")
            else _UNITS[match.group("hundreds")] * 100_000
            if match.group("hundreds")
            else 0
        )
        return 1_000_000 + extra
    for match in _EN_SPOKEN.finditer(text):
        if not _after(_EN_CONTEXT, text, match.start()):
            continue
        lead = _UNITS[match.group("lead")]
        if match.group("hundred"):
            tens = _TENS[match.group("htens")] if match.group("htens") else 0
            units = _UNITS[match.group("hunits")] if match.group("hunits") else 0
            return (lead * 100 + tens * 10 + units) * 1_000
        return lead * 100_000 + _TENS[match.group("tens")] * 10_000 + (5_000 if match.group("five") else 0)
    return None


def _thousands_value(match: re.Match[str], group: str) -> int:
    hundreds, tens, units = match.group(f"{group}h"), match.group(f"{group}t"), match.group(f"{group}u")
    if hundreds is None:
        return 0
    return (_ES_HUNDREDS[hundreds] + (_ES_TENS[tens] if tens else 0) + (_ES_UNITS[units] if units else 0)) * 1_000


MIN_PRICE = 50_000
MAX_PRICE = 60_000_000


def _unit_value(num: float, unit: str | None, spanish: bool) -> float | None:
    unit = (unit or "").lower()
    if unit in ("k", "thousand", "grand"):
        return num * 1_000
    if unit in ("m", "mm", "mill", "million", "millions", "millones", "millon", "millón"):
        return num * 1_000_000
    if unit == "mil":
        # Spanish "mil" is thousands ("450 mil"); English "1.3 mil" is slang for millions.
        return num * 1_000 if spanish or num >= 100 else num * 1_000_000
    return None


def extract_price(text: str) -> int | None:
    """The budget or price a message names, in whole dollars, or None."""
    spanish = detect_language(text) is Language.ES
    text = text.lower()
    address_spans = [m.span(1) for m in _ADDRESS.finditer(text)]
    matches = list(_AMOUNT.finditer(text))
    candidates: list[int] = []
    for index, match in enumerate(matches):
        start = match.start("num")
        if any(a <= start < b for a, b in address_spans):
            continue
        before = text[max(0, match.start() - 60) : match.start()]
        after = text[match.end() : match.end() + 25]
        raw = match.group("num")
        unit = match.group("unit")
        has_dollar = bool(match.group("dollar"))
        if not unit and _RANGE_JOIN.match(after):
            # "500-600k", "500 to 600k": the first number borrows the second one's unit.
            following = matches[index + 1] if index + 1 < len(matches) else None
            if following is not None and following.group("unit"):
                unit = following.group("unit")
        if _NOT_PRICE_AFTER.match(after) and not _RANGE_JOIN.match(after):
            continue
        if _NOT_PRICE_BEFORE.search(before):
            continue
        number = float(raw.replace(",", ""))
        value = _unit_value(number, unit, spanish)
        if value is None:
            digits = len(raw.split(".")[0].replace(",", ""))
            if "," in raw or digits >= 6 or (has_dollar and digits >= 5):
                value = number
            elif digits == 3 and "." not in raw and (has_dollar or _PRICE_CONTEXT_BEFORE.search(before)):
                value = number * 1_000
            elif digits == 1 and "." in raw and (has_dollar or (1 <= number < 4 and _MILLIONS_BEFORE.search(before))):
                value = number * 1_000_000  # "$1.2", "worth about 1.05" among house prices
            else:
                continue
        if MIN_PRICE <= value <= MAX_PRICE:
            candidates.append(round(value))
        if _RANGE_JOIN.match(after):
            continue  # a range: the upper bound, which comes next, is the budget
        if candidates:
            break
    if candidates:
        return candidates[-1]
    spoken = _SPOKEN.search(text)  # "around 6 fifty" is how people say $650k
    if spoken:
        return (
            int(spoken.group(1)) * 100_000 + _TENS[spoken.group(2).lower()] * 10_000 + (5_000 if spoken.group(3) else 0)
        )
    return _spelled_price(text)


_BEDROOMS = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|uno|una|dos|tres|cuatro|cinco|seis|siete)"
    r"\s*[- ]?\s*(?:\+\s*)?"
    r"(?:bed|beds|bedroom|bedrooms|bd|bds|bdr|bdrm|bdrms|br|brs|b/r|rec|recamaras|recámaras|"
    r"recamara|recámara|habitaciones|habitacion|habitación|cuartos|cuarto|dormitorios|dormitorio|"
    r"recs|bdrs)\b"
)
_BEDROOMS_SLASH = re.compile(r"\b([1-9])\s*/\s*([1-9](?:\.5)?)\s*(?:ba|bath|baths|s)?\b(?!\s*(?:%|k\b|\d))")
_BATHROOMS = re.compile(
    r"\b(\d(?:\.5)?|one|two|three|four|uno|dos|tres|cuatro)\s*[- ]?\s*"
    r"(?:ba|bath|baths|bathroom|bathrooms|baño|baños|banos|bano)\b"
)


def _count(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


_WANT = re.compile(
    r"(?:want|need|looking|look|searching|prefer|at least|minimum|busco|quiero|necesito|buscamos)\b[^.?!]{0,25}$"
)


def extract_bedrooms(text: str) -> int | None:
    """Bedrooms asked for; when several are named ("in a 2br, want a 4br"), the wanted one."""
    text = text.lower()
    matches = list(_BEDROOMS.finditer(text))
    wanted = [m for m in matches if _WANT.search(text[max(0, m.start() - 40) : m.start()])]
    match = (wanted or matches)[0] if (wanted or matches) else None
    if match:
        count = _count(match.group(1))
        if count is not None and 0 < count <= 12:
            return count
    slash = _BEDROOMS_SLASH.search(text)
    if slash and re.search(
        r"\b(?:bed|bath|ba|br|home|house|casa|comps|sold)|\d/\d(?:\.5)?s\b|\b(?:a|another)\s+\d\s*/\s*\d", text
    ):
        return int(slash.group(1))
    return None


def extract_bathrooms(text: str) -> float | None:
    text = text.lower()
    match = _BATHROOMS.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    value = float(word) if word[0].isdigit() else float(_NUMBER_WORDS[word])
    return value if 0 < value <= 10 else None


_NOT_PREAPPROVED = re.compile(
    r"\b(?:not|haven'?t|have not|aren'?t|are not|no|never|isn'?t|without|sin)\b[^.?!]{0,20}"
    r"(?:pre[- ]?approv|pre[- ]?qualif|pre[- ]?aprobad|approved)"
)
_PREAPPROVED = re.compile(
    r"(?:pre[- ]?approv|pre[- ]?qualif|pre[- ]?aprobad|preaprobad|pre[- ]?calificad|"
    r"approved for|approval letter|\bcash buyers?\b|\bpaying cash\b|\ball cash\b|\bpay cash\b|"
    r"\ben efectivo\b|\bde contado\b)"
)
_TIMELINE = re.compile(
    r"\b(?:asap|right away|immediately|urgent(?:ly)?|this (?:week|month|year|spring|summer|fall|winter)|"
    r"next (?:week|month|year|spring|summer|fall|winter)|in (?:the )?(?:spring|summer|fall|autumn|winter)|"
    r"(?:in|within) (?:a |\d+ |one |two |three |six |a few |a couple (?:of )?)?(?:days?|weeks?|months?|years?)|"
    r"by (?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"spring|summer|fall|the end of the year|year end)|"
    r"just (?:looking|browsing)(?: around)?(?: for now)?|browsing|no rush|(?:in|by) 20\d\d|"
    r"pronto|este (?:mes|año|ano)|el (?:próximo|proximo) (?:mes|año|ano)|en (?:unos )?\d+ meses|"
    r"lo antes posible|ya mismo|cuanto antes)\b"
)
_MOTIVATION = re.compile(
    r"\b(relocat\w*|new job|job transfer|transferred|divorc\w*|downsiz\w*|upsiz\w*|retir\w*|"
    r"inherit\w*|probate|moving (?:out of state|to \w+)|need (?:more|less) space|growing family|"
    r"empty nest\w*|cash out|me mudo|nos mudamos|divorcio|jubil\w*)"
)
_CONDITION = re.compile(
    r"\b(needs? (?:some |a lot of )?work|fixer(?: upper)?|move[- ]in ready|turn[- ]?key|"
    r"remodel(?:ed|led)|updated|renovated|new roof|original condition|as[- ]is|needs repairs|"
    r"necesita (?:reparaciones|arreglos)|remodelada)"
)
_PROPERTY_TYPES = (
    "condo", "condominium", "townhouse", "townhome", r"single[- ]family", "duplex", "triplex", "fourplex",
    r"multi[- ]?family", "mobile home", "manufactured home", "land", r"lot(?!\s+of\b)", "apartment building",
    "departamento", "casa",
)  # fmt: skip
_PROPERTY_TYPE = re.compile(rf"\b({'|'.join(_PROPERTY_TYPES)})\b")


def extract_facts(text: str) -> Facts:
    """Everything the message itself says; merge with what the lead said before."""
    original, text = text, text.lower()
    preapproved: bool | None = None
    if _NOT_PREAPPROVED.search(text):
        preapproved = False
    elif _PREAPPROVED.search(text):
        preapproved = True
    timeline = _TIMELINE.search(text)
    motivation = _MOTIVATION.search(text)
    condition = _CONDITION.search(text)
    kind = _PROPERTY_TYPE.search(text)
    address = _ADDRESS.search(original)
    return Facts(
        price=extract_price(text),
        bedrooms=extract_bedrooms(text),
        bathrooms=extract_bathrooms(text),
        preapproved=preapproved,
        timeline=timeline.group(0).lower() if timeline else None,
        motivation=motivation.group(0).lower() if motivation else None,
        condition=condition.group(0).lower() if condition else None,
        address=address.group(0).strip(" .") if address else None,
        property_type=_normalise_kind(kind.group(0)) if kind else None,
    )


def _normalise_kind(word: str) -> str:
    word = word.lower()
    if word in ("casa",):
        return "house"
    if word.startswith("town"):
        return "townhouse"
    if word.startswith("condo") or word == "departamento":
        return "condo"
    return word
