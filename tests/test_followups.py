"""Follow-ups: quiet hours and holidays with a controllable clock, and the job's re-checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from agents.errors import RetryLater
from agents.schedule import lead_zone, next_allowed, us_federal_holidays
from bot.configuration.settings import load_settings
from bot.runtime.jobs import JobContext, follow_up, rescue_waiting, schedule_followup
from bot.runtime.wiring import build
from bot.store.leads import LeadStore
from bot.transport.outbound import DryRunSender

LA = ZoneInfo("America/Los_Angeles")
HOURS = (time(8), time(21))


def test_inside_sending_hours_goes_now() -> None:
    moment = datetime(2026, 11, 24, 12, 30, tzinfo=LA)
    assert next_allowed(moment, LA, HOURS) == moment


def test_after_nine_pm_moves_to_eight_the_next_morning() -> None:
    assert next_allowed(datetime(2026, 11, 23, 22, 0, tzinfo=LA), LA, HOURS) == datetime(2026, 11, 24, 8, 0, tzinfo=LA)
    assert next_allowed(datetime(2026, 11, 24, 6, 0, tzinfo=LA), LA, HOURS) == datetime(2026, 11, 24, 8, 0, tzinfo=LA)


def test_federal_holidays_are_skipped_and_the_list_is_configurable() -> None:
    assert date(2026, 11, 26) in us_federal_holidays(2026)  # Thanksgiving
    wednesday_night = datetime(2026, 11, 25, 21, 30, tzinfo=LA)
    assert next_allowed(wednesday_night, LA, HOURS) == datetime(2026, 11, 27, 8, 0, tzinfo=LA)
    assert next_allowed(wednesday_night, LA, HOURS, holidays=[]) == datetime(2026, 11, 26, 8, 0, tzinfo=LA)


def test_the_leads_time_zone_comes_from_market_then_area_code_then_team() -> None:
    assert lead_zone("+12125550100", "America/Los_Angeles") == LA
    assert lead_zone("+12125550100", None) == ZoneInfo("America/New_York")
    assert lead_zone("+442071234567", None) == LA


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[tuple[str, tuple[str, ...], str | None, float]] = []

    async def enqueue(self, name: str, *args: str, job_id: str | None = None, defer: float = 0.0) -> None:
        self.jobs.append((name, args, job_id, defer))


@pytest.fixture
def context(redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch) -> JobContext:
    for name, value in {"REDIS_URL": redis_url, "JORGE_NAMESPACE": prefix, "JORGE_FOLLOWUP_CADENCE": "1d,3d"}.items():
        monkeypatch.setenv(name, value)
    services = build(load_settings(), sender=DryRunSender(echo=False))
    return JobContext(services, RecordingQueue())


async def test_a_follow_up_due_at_night_moves_to_eight_the_next_day(context: JobContext) -> None:
    store: LeadStore = context.services.store
    phone = "+19095550123"
    await context.services.conversation.receive(phone, "Looking for a 3 bed in Fontana under 550k")
    anchor = datetime(2026, 11, 23, 22, 15, tzinfo=LA) - timedelta(days=1)  # due tonight at 22:15
    await schedule_followup(context, phone, anchor, 0)
    night = anchor + timedelta(days=1)
    context.clock = lambda: night
    with pytest.raises(RetryLater) as retry:
        await follow_up(context, phone, anchor.isoformat(), "0")
    morning = datetime(2026, 11, 24, 8, 0, tzinfo=LA)
    assert retry.value.seconds == pytest.approx((morning - night).total_seconds())
    state = await store.followup(phone)
    assert state is not None and datetime.fromisoformat(state["due"]) == morning
    sender = context.services.sender
    assert isinstance(sender, DryRunSender) and len(sender.sent) == 1  # only the reply, no follow-up yet

    context.clock = lambda: morning
    await follow_up(context, phone, anchor.isoformat(), "0")
    assert len(sender.sent) == 2 and "Still looking for a 3-bed in Fontana under $550k?" in sender.sent[-1].body
    name, args, job_id, _defer = context.queue.jobs[-1]  # type: ignore[attr-defined]
    assert name == "follow_up" and args[2] == "1" and job_id and job_id.endswith(":1")


async def test_a_stale_follow_up_does_nothing_after_a_new_inbound(context: JobContext) -> None:
    phone = "+19095550124"
    await context.services.conversation.receive(phone, "hi, looking in Upland")
    old = datetime.now(UTC) - timedelta(days=2)
    await schedule_followup(context, phone, old, 0)
    await schedule_followup(context, phone, datetime.now(UTC), 0)  # the lead texted again
    context.clock = lambda: datetime(2026, 11, 24, 12, 0, tzinfo=LA)
    await follow_up(context, phone, old.isoformat(), "0")
    sender = context.services.sender
    assert isinstance(sender, DryRunSender) and len(sender.sent) == 1


async def test_an_overdue_follow_up_whose_job_was_lost_is_queued_again(context: JobContext) -> None:
    store: LeadStore = context.services.store
    queue: RecordingQueue = context.queue  # type: ignore[assignment]
    phone, quiet = "+19095550125", "+19095550126"
    await context.services.conversation.receive(phone, "hi, looking in Upland")
    anchor = datetime(2026, 11, 20, 12, 0, tzinfo=LA)
    # A worker stopped after writing the follow-up's state and before queueing its job:
    await store.set_followup(phone, anchor.isoformat(), 0, anchor + timedelta(days=1))
    await store.set_followup(quiet, anchor.isoformat(), 0, anchor + timedelta(days=1))
    await store.clear_followup(quiet)  # a cadence that ended is not rescued
    context.clock = lambda: anchor + timedelta(days=1, minutes=1)
    await rescue_waiting(context)
    rescued = [job for job in queue.jobs if job[0] == "follow_up"]
    job_id = f"followup:{phone}:{anchor.timestamp():.6f}:0"
    assert rescued == [("follow_up", (phone, anchor.isoformat(), "0"), job_id, 0.0)]
    # Its job id is the one schedule_followup gives it, so a job still queued is not queued twice.
    await schedule_followup(context, phone, anchor, 0)
    assert queue.jobs[-1][2] == rescued[0][2]
    # Not yet overdue by the rescue's margin: left to its own job.
    queue.jobs.clear()
    context.clock = lambda: anchor + timedelta(days=1, seconds=1)
    await rescue_waiting(context)
    assert [job for job in queue.jobs if job[0] == "follow_up"] == []
