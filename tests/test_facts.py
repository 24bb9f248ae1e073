import pytest

from agents.facts import extract_bedrooms, extract_facts, extract_price


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("budget is $650k", 650_000),
        ("around 650,000", 650_000),
        ("up to 1.2M", 1_200_000),
        ("we can do 1.3 mil", 1_300_000),
        ("hasta 500 mil", 500_000),
        ("pre-approved up to 900k", 900_000),
        ("they countered at 655", 655_000),
        ("offered 640 on the Upland place", 640_000),
        ("somewhere between 500 and 600k", 600_000),
        ("$725,000 max", 725_000),
        ("1.05M in Chino Hills", 1_050_000),
        ("2 million", 2_000_000),
        ("1.2 millones", 1_200_000),
        ("we think its worth about 1.05", 1_050_000),  # millions, said without the M
        ("asking 1.3 for the duplex", 1_300_000),
    ],
)
def test_prices_in_many_formats(text: str, price: int) -> None:
    assert extract_price(text) == price


@pytest.mark.parametrize(
    "text",
    [
        "anything in 92337?",  # a ZIP code
        "built in 1998, moving in 2027",  # years
        "my credit is 640",  # a credit score
        "credit score of 710, can I qualify",
        "we offered 50k under asking",  # a difference
        "they want 20k over list",
        "2,400 sq ft please",  # square footage
        "HOA is $320 a month",
        "can afford $3,000 a month",
        "we have $60k down",
        "20% down",
        "we make 140k a year",
        "3 offers came in",
        "meet at 5 tomorrow",
        "rates at 6.5 are killing us",
        "offer at 1.2 times rent",
    ],
)
def test_numbers_that_are_not_a_price(text: str) -> None:
    assert extract_price(text) is None


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("pre approved for six fifty", 650_000),
        ("worth about seven twenty five", 725_000),
        ("budget is six hundred fifty thousand", 650_000),
        ("up to half a million", 500_000),
        ("we could go up to a million and a half", 1_500_000),
        ("hasta medio millón", 500_000),
        ("presupuesto de un millón doscientos mil", 1_200_000),
        ("presupuesto de cuatrocientos cincuenta mil", 450_000),
        ("hasta dos millones y medio", 2_500_000),
        ("hoping to get a million two for it", 1_200_000),
        ("algo de 2 recamaras, medio millon maximo", 500_000),
        ("we could go one point one for the right house", 1_100_000),
    ],
)
def test_prices_in_words(text: str, price: int) -> None:
    assert extract_price(text) == price


@pytest.mark.parametrize(
    "text",
    [
        "can we meet at six thirty tomorrow",
        "tenemos un enganche de cuatrocientos mil",
        "two kids and three dogs",
        "thanks a million!",
        "un millón de gracias",
        "Mi credito esta en 620, todavia puedo calificar?",
    ],
)
def test_words_that_are_not_a_price(text: str) -> None:
    assert extract_price(text) is None


def test_the_budget_beside_hoa_dues_is_the_price() -> None:
    assert extract_price("HOA under $300 please, budget 480k") == 480_000


def test_the_price_beside_a_loan_balance_is_the_price() -> None:
    assert extract_price("we still owe $380k, would selling for around 700k work?") == 700_000


@pytest.mark.parametrize(
    ("text", "bedrooms"),
    [
        ("3br in Fontana", 3),
        ("a 3 bed house", 3),
        ("3bd/2ba", 3),
        ("4 recamaras", 4),
        ("three bedroom condo", 3),
        ("5 bedrooms", 5),
        ("2 recámaras", 2),
        ("4-bedroom", 4),
        ("Looking for a 3/2 in Rancho", 3),
    ],
)
def test_bedrooms(text: str, bedrooms: int) -> None:
    assert extract_bedrooms(text) == bedrooms


def test_bedrooms_are_not_read_from_other_numbers() -> None:
    assert extract_bedrooms("3 offers, 2 kids, built 1998") is None


def test_pre_approval_and_timeline() -> None:
    facts = extract_facts("We're pre-approved and want to move within 3 months")
    assert facts.preapproved is True
    assert facts.timeline == "within 3 months"
    assert extract_facts("not pre-approved yet").preapproved is False


def test_a_lot_of_work_is_the_condition_not_a_lot_to_build_on() -> None:
    facts = extract_facts("the house needs a lot of work")
    assert facts.condition == "needs a lot of work" and facts.property_type is None
    assert extract_facts("looking at a lot in fontana").property_type == "lot"
