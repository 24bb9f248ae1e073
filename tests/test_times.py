"""The day and time a lead asks for, read from English and Spanish, never from a count or a price."""

import pytest

from agents.times import When, find_when


@pytest.mark.parametrize(
    ("text", "day", "time"),
    [
        ("Can you show me 1234 Haven Ave this Saturday at 2?", "saturday", "2 pm"),
        ("can he come by thursday at 6?", "thursday", "6 pm"),
        ("Can I see the Upland house tomorrow after 5?", "tomorrow", "after 5 pm"),
        ("podemos ver casas este domingo?", "sunday", None),
        ("llámenme mañana a las 10", "tomorrow", "10 am"),
        ("el domingo en la mañana", "sunday", "morning"),
        ("mañana en la tarde", "tomorrow", "afternoon"),
        ("next tuesday around 11am", "next tuesday", "around 11 am"),
        ("sat at 10:30", "saturday", "10:30 am"),
        ("tonight?", "today", "evening"),
        ("can we do 4 instead?", None, "4 pm"),
        ("el sábado a la 1 de la tarde", "saturday", "1 pm"),
        ("Friday 9am works", "friday", "9 am"),
    ],
)
def test_days_and_times(text: str, day: str | None, time: str | None) -> None:
    assert find_when(text) == When(day, time)


@pytest.mark.parametrize(
    "text",
    ["Looking for a 3 bed under 550k", "I make 85k a year", "we have 2 kids", "4 bed in Alta Loma",
     "how about 3 bedrooms", "2 baths would be nice", "built in 1990", "we have 3 offers"],
)  # fmt: skip
def test_counts_and_prices_are_not_times(text: str) -> None:
    assert not find_when(text)
