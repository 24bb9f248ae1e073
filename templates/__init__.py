"""Jorge's voice: every word a lead reads is rendered from a template in this package.

`render(name, **context)` renders `sms/<name>` and folds its whitespace, so templates can be laid
out over several lines and still produce one tidy SMS. Templates sit beside this module, so they
are found the same way from a checkout and from an installed wheel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

__all__ = ["compile_text", "dollars", "mes", "money", "render"]


def money(value: int | float | None) -> str:
    """$650k, $1.25M: how Jorge writes prices in a text."""
    if value is None:
        return ""
    if value >= 999_500:
        return f"${value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if value >= 1_000:
        return f"${round(value / 1_000):,}k"
    return f"${value:,.0f}"


def dollars(value: int | float | None) -> str:
    """$2,850: an amount a month, to the nearest $10."""
    return "" if value is None else f"${round(value, -1):,.0f}"


_MONTHS = dict(zip(
    "January February March April May June July August September October November December".split(),
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    strict=True,
))  # fmt: skip


def mes(text: str | None) -> str:
    """'October 2026' → 'octubre 2026': a month from the configuration, in Spanish."""
    return " ".join(_MONTHS.get(word, word) for word in (text or "").split())


def either(names: list[str], word: str) -> str:
    """'A, B or C' (word "or"; "o" in Spanish): a choice among names from the configuration."""
    return f" {word} ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "sms"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # plain-text SMS, never HTML
    auto_reload=False,  # templates ship with the code; no stat() per render
)
_ENV.filters["money"] = money
_ENV.filters["mes"] = mes
_ENV.filters["dollars"] = dollars
_ENV.filters["either"] = either


def render(template_name: str, /, **context: Any) -> str:
    """Render `sms/<name>` with `context` into one line of text."""
    return " ".join(_ENV.get_template(template_name).render(**context).split())


def compile_text(source: str) -> Template:
    """A template written in a data file (a knowledge answer), with the same filters as the rest."""
    return _ENV.from_string(source)
