"""Unit tests for opening hours: parsing clinic.yml shapes and saying when the front desk answers."""

from datetime import datetime, time, timezone

import pytest
import yaml

from heel.booking import hours as oh

CLINIC = yaml.safe_load("""
timezone: Europe/London
opening_hours:
  mon-fri: "08:00-19:00"
  saturday: "09:00-13:00"
  sunday: closed
""")


def schedule():
    return oh.schedule_from_clinic(CLINIC)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_parses_day_ranges_and_closed_days():
    s = schedule()
    assert s.intervals[0] == ((time(8), time(19)),)
    assert s.intervals[5] == ((time(9), time(13)),)
    assert 6 not in s.intervals
    assert s.closed_weekdays() == {6}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ({"weekdays": "8am-6pm"}, {0: ((time(8), time(18)),)}),
        ({"Monday to Friday": ["08:00-12:00", "13:00-18:00"]}, {0: ((time(8), time(12)), (time(13), time(18)))}),
        ({"tue": "09:00–17:30"}, {1: ((time(9), time(17, 30)),)}),
        ({"mon": {"open": "8:30", "close": "17:00"}}, {0: ((time(8, 30), time(17)),)}),
        ({"mon": {"open": 510, "close": 1020}}, {0: ((time(8, 30), time(17)),)}),  # YAML 1.1 read 8:30 as 510
        ([{"days": "mon-fri", "open": "08:00", "close": "18:00"}], {0: ((time(8), time(18)),)}),
        ({"daily": "09:00-17:00", "sunday": "closed"}, {5: ((time(9), time(17)),)}),
    ],
)
def test_accepts_the_shapes_people_write(raw, expected):
    s = oh.parse_schedule(raw, "Europe/London")
    for day, intervals in expected.items():
        assert s.intervals[day] == intervals
    if "sunday" in str(raw):
        assert 6 not in s.intervals


@pytest.mark.parametrize("raw", [{"mon": "8 till late"}, {"funday": "09:00-17:00"}, {"mon": "17:00-09:00"}, "24/7"])
def test_unreadable_hours_raise(raw):
    with pytest.raises(oh.OpeningHoursError):
        oh.parse_schedule(raw, "Europe/London")


def test_unknown_timezone_raises():
    with pytest.raises(oh.OpeningHoursError):
        oh.parse_schedule({"mon": "09:00-17:00"}, "Mars/Olympus")


def test_open_now_says_until_when():
    # Wednesday 26 Nov 2025 10:00 UTC = 10:00 in London (GMT)
    status = oh.status_at(schedule(), utc(2025, 11, 26, 10, 0))
    assert status.open_now and status.closes_at.hour == 19
    assert (
        oh.when_open_text(schedule(), utc(2025, 11, 26, 10, 0))
        == "The front desk is open now, until 19:00 (Europe/London time)."
    )


def test_uses_the_clinic_timezone_not_utc():
    # 07:30 UTC in July is 08:30 in London (BST): open.
    assert oh.status_at(schedule(), utc(2025, 7, 2, 7, 30)).open_now
    # 07:30 UTC in November is 07:30 in London (GMT): not yet.
    assert not oh.status_at(schedule(), utc(2025, 11, 26, 7, 30)).open_now


@pytest.mark.parametrize(
    "now, text",
    [
        (utc(2025, 11, 26, 6, 0), "opens today at 08:00"),
        (utc(2025, 11, 26, 20, 0), "opens tomorrow (Thursday) at 08:00"),
        (utc(2025, 11, 29, 14, 0), "opens on Monday at 08:00"),  # Saturday afternoon, closed Sunday
        (utc(2025, 11, 30, 12, 0), "opens tomorrow (Monday) at 08:00"),
    ],
)
def test_closed_says_when_it_opens_next(now, text):
    message = oh.when_open_text(schedule(), now)
    assert message.startswith("The front desk is closed right now")
    assert text in message


def test_closed_dates_are_skipped():
    s = oh.parse_schedule(CLINIC["opening_hours"], "Europe/London", ["2025-12-25", "2025-12-26"])
    status = oh.status_at(s, utc(2025, 12, 24, 20, 0))
    assert status.next_open.date().isoformat() == "2025-12-27"


def test_no_published_hours_is_said_honestly():
    assert oh.schedule_from_clinic({}) is None
    assert "opening hours" in oh.when_open_text(None, utc(2025, 11, 26, 10, 0))


def test_requires_aware_now():
    with pytest.raises(ValueError):
        oh.status_at(schedule(), datetime(2025, 11, 26, 10, 0))


def test_describe_week():
    lines = oh.describe_week(schedule())
    assert lines[0] == "Monday: 08:00-19:00" and lines[6] == "Sunday: closed"
