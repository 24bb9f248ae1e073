"""Follow-ups end to end: real Redis, real arq workers, the twilio SDK and a fake Twilio, with a
cadence of seconds (by setting)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.support.fake_twilio import FakeTwilio
from tests.support.product import Product

FAST = {"JORGE_FOLLOWUP_CADENCE": "1s,2s", "JORGE_SENDING_HOURS": "00:00-23:59", "JORGE_HOLIDAYS": "none"}


def start(redis_url: str, twilio: FakeTwilio, logs: Path, workers: int = 1, **env: str) -> Product:
    product = Product(redis_url=redis_url, logs=logs, twilio=twilio, extra_env={**FAST, **env}).start_web()
    for _ in range(workers):
        product.start_worker()
    return product


def phone() -> str:
    return "+1909" + str(time.time_ns())[-7:]


def test_silence_gets_the_whole_cadence_then_stops(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    product = start(redis_url, twilio, tmp_path)
    try:
        lead = phone()
        product.post_sms(lead, "Looking for a 3 bed in Fontana under 550k")
        _reply, first, second = product.wait_for_sms(lead, 3)
        assert "Still looking for a 3-bed in Fontana under $550k?" in first.body
        assert "stop checking in" in second.body and "STOP" in second.body
        product.settle(2.5)
        assert len(product.twilio.to(lead)) == 3
    finally:
        product.stop()


def test_an_inbound_restarts_the_cadence(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    product = start(redis_url, twilio, tmp_path, JORGE_FOLLOWUP_CADENCE="2s,10s")
    try:
        lead = phone()
        product.post_sms(lead, "Hi, thinking about selling my house in Upland")
        product.wait_for_sms(lead, 1)
        time.sleep(1.2)
        product.post_sms(lead, "It's a 4 bedroom")
        second_text = time.monotonic()
        product.wait_for_sms(lead, 2)  # the reply to the second text
        followup = product.wait_for_sms(lead, 3, seconds=10)[2]
        assert time.monotonic() - second_text >= 1.9  # counted from the second text, not the first
        assert "selling" in followup.body
    finally:
        product.stop()


def test_no_follow_up_after_stop(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    product = start(redis_url, twilio, tmp_path)
    try:
        lead = phone()
        product.post_sms(lead, "Any condos in Ontario?")
        product.wait_for_sms(lead, 1)
        product.post_sms(lead, "STOP")
        product.wait_for_sms(lead, 2)
        product.settle(4.0)
        assert len(product.twilio.to(lead)) == 2
    finally:
        product.stop()


def test_a_worker_restart_loses_no_scheduled_follow_up(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    product = start(redis_url, twilio, tmp_path, JORGE_FOLLOWUP_CADENCE="3s,60s")
    try:
        lead = phone()
        product.post_sms(lead, "We want to buy in Chino Hills, 4 bedrooms")
        product.wait_for_sms(lead, 1)
        product.workers[0].stop()  # the follow-up is scheduled in Redis, not in the worker
        time.sleep(3.5)
        assert len(product.twilio.to(lead)) == 1
        product.start_worker()
        followup = product.wait_for_sms(lead, 2, seconds=15)[1]
        assert "Chino Hills" in followup.body
    finally:
        product.stop()


def test_two_workers_never_send_the_same_follow_up_twice(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    product = start(redis_url, twilio, tmp_path, workers=2)
    try:
        leads = [phone() for _ in range(3)]
        for lead in leads:
            product.post_sms(lead, "Looking for a home in Rancho Cucamonga")
        for lead in leads:
            product.wait_for_sms(lead, 3)
        product.settle(3.0)
        assert [len(product.twilio.to(lead)) for lead in leads] == [3, 3, 3]
    finally:
        product.stop()
