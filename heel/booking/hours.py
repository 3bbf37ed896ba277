"""Clinic opening hours from clinic.yml: is the front desk open now, and if not, when does it open next.

Pure: no Rasa, no database, no clock (callers pass `now`). clinic.yml is edited by people, so the parser accepts
the shapes they are likely to write:

    timezone: Europe/London
    opening_hours:
      mon-fri: "08:00-19:00"          # day ranges, single days ("monday", "sat"), "weekdays", "weekend"
      saturday: ["09:00-12:00", "13:00-15:00"]
      sunday: closed                   # or null / false / ""
    closed_dates: [2025-12-25]         # optional

or a list: `- {days: mon-fri, open: "08:00", close: "19:00"}`. Times may be "8am-7pm" or use an en dash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

Interval = Tuple[time, time]

DAY_INDEX = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
DAY_GROUPS = {
    "weekdays": range(0, 5),
    "weekday": range(0, 5),
    "weekend": range(5, 7),
    "weekends": range(5, 7),
    "daily": range(0, 7),
    "everyday": range(0, 7),
    "every day": range(0, 7),
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOSED_WORDS = {"closed", "none", "no", "off", "-", ""}

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.I)
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|\bto\b|\buntil\b)\s*", re.I)


class OpeningHoursError(ValueError):
    """clinic.yml opening hours that cannot be read."""


@dataclass(frozen=True)
class Schedule:
    tz: tzinfo
    tz_name: str
    intervals: Mapping[int, Tuple[Interval, ...]]  # weekday (Monday = 0) -> sorted opening intervals
    closed_dates: FrozenSet[date] = frozenset()

    def intervals_on(self, day: date) -> Tuple[Interval, ...]:
        if day in self.closed_dates:
            return ()
        return self.intervals.get(day.weekday(), ())

    def closed_weekdays(self) -> Set[int]:
        return {day for day in range(7) if not self.intervals.get(day)}


@dataclass(frozen=True)
class Status:
    open_now: bool
    closes_at: Optional[datetime] = None  # local time, when open now
    next_open: Optional[datetime] = None  # local time, when closed now


def load_timezone(name: str) -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - no system tz database: pytz (a Rasa dependency) ships its own
        import pytz

        try:
            return pytz.timezone(name)
        except pytz.UnknownTimeZoneError as exc:
            raise OpeningHoursError(f"unknown timezone {name!r}") from exc


def parse_time(text: Any) -> time:
    if isinstance(text, int) and not isinstance(text, bool):
        # YAML 1.1 reads an unquoted 8:30 as 510 (base-60 minutes); a bare 9 is an hour.
        hour, minute = (text, 0) if text <= 24 else divmod(text, 60)
        text = f"{hour}:{minute:02d}"
    match = _TIME.match(str(text))
    if not match:
        raise OpeningHoursError(f"cannot read time {text!r}")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "").lower()
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if hour == 24 and minute == 0:
        return time(23, 59, 59)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise OpeningHoursError(f"cannot read time {text!r}")
    return time(hour, minute)


def _parse_interval(value: Any) -> Optional[Interval]:
    if isinstance(value, Mapping):
        start, end = value.get("open"), value.get("close")
        if start is None or end is None:
            raise OpeningHoursError(f"interval needs open and close: {value!r}")
        return _checked(parse_time(start), parse_time(end), value)
    text = str(value).strip()
    parts = _RANGE_SPLIT.split(text)
    if len(parts) != 2:
        raise OpeningHoursError(f"cannot read opening hours {text!r}")
    return _checked(parse_time(parts[0]), parse_time(parts[1]), value)


def _checked(start: time, end: time, raw: Any) -> Interval:
    if end <= start:
        raise OpeningHoursError(f"closing time is not after opening time in {raw!r}")
    return start, end


def _parse_intervals(value: Any) -> List[Interval]:
    if value is None or value is False:
        return []
    if isinstance(value, str):
        if value.strip().lower() in CLOSED_WORDS:
            return []
        return [interval for chunk in value.split(",") if (interval := _parse_interval(chunk))]
    if isinstance(value, Mapping):
        interval = _parse_interval(value)
        return [interval] if interval else []
    if isinstance(value, Sequence):
        result: List[Interval] = []
        for item in value:
            result.extend(_parse_intervals(item))
        return result
    raise OpeningHoursError(f"cannot read opening hours {value!r}")


def parse_days(spec: Any) -> List[int]:
    """'mon-fri', 'Monday to Friday', 'weekdays', 'sat, sun', ['mon', 'tue'] -> weekday numbers."""
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        days: List[int] = []
        for item in spec:
            days.extend(parse_days(item))
        return sorted(set(days))
    text = str(spec).strip().lower()
    if text in DAY_GROUPS:
        return list(DAY_GROUPS[text])
    days = []
    for chunk in re.split(r"\s*(?:,|/|&|\band\b)\s*", text):
        if not chunk:
            continue
        bounds = _RANGE_SPLIT.split(chunk)
        if len(bounds) == 2 and bounds[0] in DAY_INDEX and bounds[1] in DAY_INDEX:
            first, last = DAY_INDEX[bounds[0]], DAY_INDEX[bounds[1]]
            days.extend(range(first, last + 1) if first <= last else list(range(first, 7)) + list(range(0, last + 1)))
        elif chunk in DAY_INDEX:
            days.append(DAY_INDEX[chunk])
        elif chunk in DAY_GROUPS:
            days.extend(DAY_GROUPS[chunk])
        else:
            raise OpeningHoursError(f"cannot read days {spec!r}")
    return sorted(set(days))


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise OpeningHoursError(f"cannot read closed date {value!r} (use YYYY-MM-DD)") from exc


def parse_schedule(
    opening_hours: Any, timezone_name: Optional[str] = None, closed_dates: Optional[Iterable[Any]] = None
) -> Schedule:
    """Builds a Schedule; raises OpeningHoursError when clinic.yml cannot be read, so typos surface in tests."""
    tz_name = timezone_name or "Europe/London"
    table: Dict[int, List[Interval]] = {day: [] for day in range(7)}
    if isinstance(opening_hours, Mapping):
        entries = [(days, hours) for days, hours in opening_hours.items()]
    elif isinstance(opening_hours, Sequence) and not isinstance(opening_hours, str):
        entries = []
        for item in opening_hours:
            if not isinstance(item, Mapping) or "days" not in item:
                raise OpeningHoursError(f"each opening_hours entry needs 'days': {item!r}")
            hours = item.get("hours", {"open": item.get("open"), "close": item.get("close")})
            entries.append((item["days"], None if item.get("closed") else hours))
    else:
        raise OpeningHoursError("opening_hours must be a mapping of days to hours or a list of entries")
    for days, hours in entries:
        intervals = _parse_intervals(hours)
        for day in parse_days(days):
            # A later, more specific line ("saturday: closed" after "daily: ...") replaces the earlier one.
            table[day] = list(intervals)
    return Schedule(
        tz=load_timezone(tz_name),
        tz_name=tz_name,
        intervals={day: tuple(sorted(ivs)) for day, ivs in table.items() if ivs},
        closed_dates=frozenset(_parse_date(item) for item in (closed_dates or [])),
    )


def schedule_from_clinic(data: Mapping[str, Any]) -> Optional[Schedule]:
    """The schedule from a clinic.yml mapping, or None when the clinic has not published hours."""
    if not data.get("opening_hours"):
        return None
    return parse_schedule(data["opening_hours"], data.get("timezone"), data.get("closed_dates"))


def _local(schedule: Schedule, now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(schedule.tz)
    # pytz zones need normalize(); zoneinfo zones are already right.
    return getattr(schedule.tz, "normalize", lambda value: value)(local)


def _at(schedule: Schedule, day: date, moment: time) -> datetime:
    naive = datetime.combine(day, moment)
    localize = getattr(schedule.tz, "localize", None)
    return localize(naive) if localize else naive.replace(tzinfo=schedule.tz)


def status_at(schedule: Schedule, now: datetime) -> Status:
    local = _local(schedule, now)
    for start, end in schedule.intervals_on(local.date()):
        if start <= local.time() < end:
            return Status(open_now=True, closes_at=_at(schedule, local.date(), end))
    for offset in range(0, 370):  # a year and a bit covers any run of closed dates
        day = local.date() + timedelta(days=offset)
        for start, _end in schedule.intervals_on(day):
            if offset > 0 or start > local.time():
                return Status(open_now=False, next_open=_at(schedule, day, start))
    return Status(open_now=False)


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def when_open_text(schedule: Optional[Schedule], now: datetime) -> str:
    """One sentence for the visitor: open now (until when), or when the front desk opens next."""
    if schedule is None:
        return "The front desk will get back to you during the clinic's opening hours."
    status = status_at(schedule, now)
    if status.open_now and status.closes_at:
        return f"The front desk is open now, until {_clock(status.closes_at)} ({schedule.tz_name} time)."
    if status.next_open is None:
        return "The front desk has no opening hours published at the moment."
    local = _local(schedule, now)
    days_ahead = (status.next_open.date() - local.date()).days
    if days_ahead == 0:
        day = "today"
    elif days_ahead == 1:
        day = f"tomorrow ({DAY_NAMES[status.next_open.weekday()]})"
    elif days_ahead < 7:
        day = f"on {DAY_NAMES[status.next_open.weekday()]}"
    else:
        day = f"on {DAY_NAMES[status.next_open.weekday()]} {status.next_open.day} {status.next_open:%B}"
    return (
        f"The front desk is closed right now and opens {day} at {_clock(status.next_open)} ({schedule.tz_name} time)."
    )


def describe_week(schedule: Schedule) -> List[str]:
    """'Monday: 08:00-19:00' lines, for the staff page and for messages that list hours."""
    lines = []
    for day in range(7):
        intervals = schedule.intervals.get(day, ())
        hours = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in intervals) if intervals else "closed"
        lines.append(f"{DAY_NAMES[day]}: {hours}")
    return lines
