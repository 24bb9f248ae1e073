"""When an unsolicited text may go out: sending hours in the lead's time zone, holidays skipped.

Pure functions of the moment they are given, so tests drive them with any clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TEAM_ZONE = "America/Los_Angeles"

# Area codes of the leads we mostly see, by time zone; anything else falls back to the team's.
_AREA_ZONES = {
    "America/Los_Angeles": "209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 "
    "661 669 707 714 747 760 805 818 820 831 840 858 909 916 925 949 951 206 253 360 425 509 503 541 971 702 725 775",
    "America/Phoenix": "480 520 602 623 928",
    "America/Denver": "303 719 720 970 385 435 801 505 575 406 307 208",
    "America/Chicago": "210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 915 "
    "936 940 956 972 979 312 331 447 464 630 708 773 815 847 872 224 262 414 608 612 651 763 952 314 636 816 913 "
    "316 402 405 918 501 504 225 318 337 601 205 251 256 334 615 629 731 901",
    "America/New_York": "201 202 203 212 215 216 234 239 240 248 267 301 302 305 313 315 321 330 332 347 351 352 "
    "386 404 407 410 412 413 434 440 443 470 475 478 484 508 513 516 517 518 540 551 561 567 570 571 585 586 603 "
    "607 609 610 614 617 631 646 667 678 689 703 704 706 716 718 727 732 734 740 754 757 762 770 772 774 781 786 "
    "803 804 813 828 843 845 848 850 856 857 860 862 863 864 878 904 908 910 914 917 919 929 937 941 954 973 980",
}
AREA_CODE_ZONES = {code: zone for zone, codes in _AREA_ZONES.items() for code in codes.split()}


def lead_zone(phone: str, market_zone: str | None, team_zone: str = TEAM_ZONE) -> ZoneInfo:
    """The market's time zone, else the area code's (US numbers), else the team's."""
    if market_zone:
        return ZoneInfo(market_zone)
    if phone.startswith("+1") and len(phone) == 12 and phone[2:5] in AREA_CODE_ZONES:
        return ZoneInfo(AREA_CODE_ZONES[phone[2:5]])
    return ZoneInfo(team_zone)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def us_federal_holidays(year: int) -> set[date]:
    monday, thursday = 0, 3
    return {
        date(year, 1, 1),
        _nth_weekday(year, 1, monday, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, monday, 3),  # Washington's Birthday
        _last_weekday(year, 5, monday),  # Memorial Day
        date(year, 6, 19),
        date(year, 7, 4),
        _nth_weekday(year, 9, monday, 1),  # Labor Day
        _nth_weekday(year, 10, monday, 2),  # Columbus Day
        date(year, 11, 11),
        _nth_weekday(year, 11, thursday, 4),  # Thanksgiving
        date(year, 12, 25),
    }


def next_allowed(
    moment: datetime, zone: ZoneInfo, hours: tuple[time, time], holidays: Iterable[date] | None = None
) -> datetime:
    """`moment` if an unsolicited text may go out then, else the next start of the sending hours
    on a day that is not a holiday (in the lead's time zone)."""
    start, end = hours
    local = moment.astimezone(zone)
    extra = set(holidays) if holidays is not None else None
    for _ in range(370):
        day = local.date()
        blocked = day in (extra if extra is not None else us_federal_holidays(day.year))
        if not blocked:
            opens = datetime.combine(day, start, zone)
            closes = datetime.combine(day, end, zone)
            if local < opens:
                return opens
            if local < closes:
                return local
        local = datetime.combine(day + timedelta(days=1), start, zone)
    raise ValueError("no sending time within a year: check JORGE_SENDING_HOURS and the holidays")
