"""The webhook's form parser reads what the standard library reads, and signs repeated fields."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from urllib.parse import parse_qsl, urlencode

from twilio.request_validator import RequestValidator

from handlers.forms import Form, parse_form

ODD = "ab+ &=%;/?é🏡ñ“\x00 %2Bxyz%zz%E2%80%9C%C3%"


def test_parse_form_reads_what_parse_qsl_reads() -> None:
    rnd = random.Random(7)
    for _ in range(5000):
        raw = "".join(rnd.choice(ODD) for _ in range(rnd.randint(0, 30)))  # hand-made, often malformed
        encoded = urlencode({"".join(rnd.choice(ODD) for _ in range(3)): raw, "Body": raw})
        for text in (raw, encoded):
            assert parse_form(text) == parse_qsl(text, keep_blank_values=True), text


def test_a_twilio_form() -> None:
    text = "From=%2B19095550123&Body=%C2%BFCasa+en+Ontario%3F+%F0%9F%8F%A1&NumMedia=0&Empty="
    assert parse_form(text) == [("From", "+19095550123"), ("Body", "¿Casa en Ontario? 🏡"), ("NumMedia", "0"),
                                ("Empty", "")]  # fmt: skip


def test_repeated_fields_are_all_signed() -> None:
    """Twilio signs the URL and then each name with each of its values, sorted."""
    form = Form(parse_form("To=%2B1&Tag=b&Tag=a"))
    assert form["Tag"] == "a" and form.getall("Tag") == ["b", "a"]
    signed = b"https://x/y" + b"Taga" + b"Tagb" + b"To+1"
    expected = base64.b64encode(hmac.new(b"token", signed, hashlib.sha1).digest()).decode()
    assert RequestValidator("token").compute_signature("https://x/y", form) == expected
