"""Pure booking logic: reading and checking what a visitor types into the booking and hand-off forms.

No Rasa imports, no database, no clock: callers pass `now` and the clinic's region, so every rule here is unit-tested.
Phone numbers are checked with `phonenumbers`, e-mail addresses with `email-validator` (syntax only, no DNS), and
preferred times are read into a normalised form with `dateparser` for the date parts.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import dateparser
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from heel.triage.answers import looks_like_question

DEFAULT_REGION = "GB"
MAX_NAME_CHARS = 80
MAX_NAME_WORDS = 6
MAX_REASON_CHARS = 1000
MAX_TIME_TEXT_CHARS = 300
# Consent wording version stored with every request, so a later change of wording is traceable.
CONSENT_VERSION = "booking-2025-1"
HANDOFF_CONSENT_VERSION = "handoff-2025-1"

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _clean(text: Optional[str]) -> str:
    return re.sub(r"\s+", " ", (text or "").strip())


def _words(text: str) -> str:
    """Lower case, apostrophes unified, punctuation as spaces: for matching short answers."""
    text = text.lower().replace("’", "'")
    return " " + re.sub(r"[^a-z0-9'@+:/.\- ]+", " ", text).strip() + " "


# ---------------------------------------------------------------------------------------------------- yes / no
_YES = re.compile(
    r" (yes|yeah|yea|yep|yup|y|sure|ok|okay|k|fine|alright|all right|agree|agreed|i agree|i consent|consent|"
    r"go ahead|go for it|of course|absolutely|definitely|please do|please|no problem|no worries|not a problem|"
    r"that's fine|thats fine|that's ok|sounds good|happy to|i'm happy|im happy|correct|right|confirm|confirmed|"
    r"send|send it|submit|looks good|looks right|perfect|great|good|all good|that's right|thats right) "
)
_NO = re.compile(
    r" (no|nope|nah|n|don't|dont|do not|not ok|not okay|rather not|i'd rather not|no thanks|no thank you|"
    r"disagree|decline|refuse|never|not really|i don't agree|i do not agree|not happy|no way) "
)
_NEGATED_YES = re.compile(r" (not|don't|dont|do not|never) (ok|okay|fine|agree|happy|consent|sure)")


def parse_yes_no(text: Optional[str], intent: Optional[str] = None) -> Optional[bool]:
    """True for yes, False for no, None when unclear. The NLU intent wins when it is affirm or deny."""
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    words = _words(text or "")
    if _NEGATED_YES.search(words):
        return False
    # "no problem" / "no worries" are yes; check them before the bare "no".
    if re.search(r" (no problem|no worries|not a problem) ", words):
        return True
    yes, no = bool(_YES.search(words)), bool(_NO.search(words))
    if yes and not no:
        return True
    if no and not yes:
        return False
    return None


# --------------------------------------------------------------------------------------------------------- name
_NAME_PREFIX = re.compile(
    r"^(?:(?:hi|hello|hey|sure|ok|okay|yes)[,!. ]+)*(?:my name is|my name's|name is|name:|i'm|i am|im|it's|its|"
    r"it is|this is|call me|they call me|you can call me)\s+",
    re.I,
)


_NOT_NAMES = {
    "hi",
    "hello",
    "hey",
    "yes",
    "no",
    "ok",
    "okay",
    "sure",
    "thanks",
    "thank you",
    "why",
    "what",
    "pardon",
    "skip",
    "none",
    "n/a",
    "na",
    "no name",
    "anonymous",
    "idk",
    "dunno",
}


@dataclass(frozen=True)
class Checked:
    """The result of checking one answer: a value, or an error code the action turns into a re-ask."""

    value: Any = None
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_name(text: Optional[str]) -> Checked:
    name = _NAME_PREFIX.sub("", _clean(text)).strip(" .,!;:\"'")
    if re.search(r"\d|@|https?:|www\.", name, re.I) or name.lower() in _NOT_NAMES:
        return Checked(error="not_a_name")
    if not name or not re.search(r"[^\W\d_]", name):
        return Checked(error="empty")
    if len(name) > MAX_NAME_CHARS or len(name.split()) > MAX_NAME_WORDS:
        return Checked(error="too_long")
    return Checked(value=name)


# ------------------------------------------------------------------------------------------------------ contact
@dataclass(frozen=True)
class Contact:
    phone: Optional[str] = None  # E.164, e.g. +447911123456
    email: Optional[str] = None  # normalised: domain lower-cased

    @property
    def any(self) -> bool:
        return bool(self.phone or self.email)


_EMAIL_CANDIDATE = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")
_PHONEISH = re.compile(r"\+?\d[\d\s().\-]{5,}\d")


def check_email(text: str) -> Checked:
    candidate = text.strip().strip(".")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return Checked(error="invalid_email")
    return Checked(value=result.normalized)


def check_phone(text: str, region: str = DEFAULT_REGION) -> Checked:
    """A real, dialable number for `region` (or any region when written with +country code), as E.164."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return Checked(error="invalid_phone")
    if not phonenumbers.is_valid_number(number):
        return Checked(error="invalid_phone")
    return Checked(value=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def parse_contact(text: Optional[str], region: str = DEFAULT_REGION) -> Tuple[Contact, Optional[str]]:
    """Finds a phone number and/or an e-mail address in free text.

    Returns the contact found and an error code when something that looks like a phone number or an e-mail
    address is not valid (so the visitor hears what was wrong), or `no_contact` when there is nothing at all.
    """
    text = _clean(text)
    email = error = None
    for candidate in _EMAIL_CANDIDATE.findall(text):
        checked = check_email(candidate)
        if checked.ok:
            email = email or checked.value
        else:
            error = error or "invalid_email"
    without_emails = _EMAIL_CANDIDATE.sub(" ", text)
    phone = None
    for match in phonenumbers.PhoneNumberMatcher(without_emails, region):
        phone = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        break
    if phone is None and _PHONEISH.search(without_emails):
        # The matcher only reports valid numbers; tell the visitor a number-like answer was not a real number.
        checked = check_phone(_PHONEISH.search(without_emails).group(0), region)
        if checked.ok:
            phone = checked.value
        else:
            error = error or "invalid_phone"
    contact = Contact(phone=phone, email=email)
    if contact.any:
        return contact, None
    return contact, error or "no_contact"


def format_phone(e164: Optional[str], region: str = DEFAULT_REGION) -> str:
    """National format for the clinic's own country, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    same_country = number.country_code == phonenumbers.country_code_for_region(region)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_country else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def example_phone(region: str = DEFAULT_REGION) -> str:
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        return "+44 7400 123456"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def contact_text(phone: Optional[str], email: Optional[str], region: str = DEFAULT_REGION) -> str:
    parts = [format_phone(phone, region)] if phone else []
    if email:
        parts.append(email)
    return " and ".join(parts)


def region_from(clinic: Mapping[str, Any]) -> str:
    """The default region for phone numbers: clinic.yml `phone_region` / `country`, else the clinic's own
    phone number's country, else GB."""
    for key in ("phone_region", "region", "country_code", "country"):
        value = clinic.get(key)
        if isinstance(value, str) and len(value.strip()) == 2 and value.strip().isalpha():
            return value.strip().upper()
    phone = clinic.get("phone")
    if phone:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(str(phone), DEFAULT_REGION))
            if region and region != "ZZ":
                return region
        except phonenumbers.NumberParseException:
            pass
    return DEFAULT_REGION


# ------------------------------------------------------------------------------------------------ patient type
_NEW = re.compile(
    r" (new|first time|first visit|never been|never visited|never come|not been|haven't been|"
    r"havent been|have not been|never|no) "
)
_RETURNING = re.compile(
    r" (returning|return|existing|been before|been there|been here|seen you|came before|"
    r"visited before|before|again|previous|previously|yes|i have|already) "
)


def parse_patient_type(text: Optional[str], intent: Optional[str] = None) -> Optional[str]:
    """'new' or 'returning' from the answer to "have you been to the clinic before?"."""
    words = _words(text or "")
    new, returning = bool(_NEW.search(words)), bool(_RETURNING.search(words))
    if re.search(r" (never|not|haven't|havent|have not) ", words) and re.search(r" before ", words):
        return "new"  # "I haven't been before"
    if new and not returning:
        return "new"
    if returning and not new:
        return "returning"
    if intent == "affirm":
        return "returning"
    if intent == "deny":
        return "new"
    return None


PATIENT_TYPE_LABELS = {"new": "New patient", "returning": "Returning patient", "unknown": "Not sure"}


# ------------------------------------------------------------------------------------------------------ reason
def check_reason(text: Optional[str]) -> Checked:
    reason = _clean(text)
    if not reason or not re.search(r"[^\W\d_]", reason):
        return Checked(error="empty")
    return Checked(value=reason[:MAX_REASON_CHARS])


def reason_from_summary(summary: Optional[str], limit: int = 300) -> Optional[str]:
    """A short reason line from the assessment summary (its first sentence or line)."""
    summary = (summary or "").strip()
    if not summary:
        return None
    first = re.split(r"(?<=[.!?])\s+|\n", summary, maxsplit=1)[0].strip()
    if len(first) > limit:
        first = first[: limit - 1].rstrip() + "…"
    return f"From the symptom check: {first}"


# ------------------------------------------------------------------------------------------- preferred time
@dataclass(frozen=True)
class PreferredTime:
    """A preferred time, normalised so the front desk can act on it without re-reading the visitor's words."""

    dates: Tuple[date, ...] = ()
    week_of: Optional[date] = None
    days: Tuple[int, ...] = ()  # recurring weekdays, Monday = 0
    excluded_days: Tuple[int, ...] = ()
    parts: Tuple[str, ...] = ()  # morning, lunchtime, afternoon, evening
    after: Optional[time] = None
    before: Optional[time] = None
    at: Optional[time] = None
    asap: bool = False
    flexible: bool = False

    @property
    def empty(self) -> bool:
        return self == PreferredTime()

    def weekdays(self) -> List[int]:
        """Weekdays this preference falls on, for checking against opening hours (empty: any day)."""
        if self.dates:
            return sorted({d.weekday() for d in self.dates})
        if self.days:
            return list(self.days)
        if self.excluded_days:
            return [d for d in range(7) if d not in self.excluded_days]
        return []

    def describe(self) -> str:
        pieces: List[str] = []
        if self.asap:
            pieces.append("As soon as possible")
        if self.dates:
            pieces.append(" or ".join(_day_label(d) for d in self.dates))
        if self.week_of:
            pieces.append(f"week of {_day_label(self.week_of)}")
        if self.days:
            pieces.append(_days_label(self.days))
        if self.excluded_days:
            pieces.append("not " + ", ".join(WEEKDAY_NAMES[d] for d in self.excluded_days))
        for part in self.parts:
            start, end = DAY_PARTS[part]
            pieces.append(f"{part} ({start:%H:%M}-{end:%H:%M})")
        if self.after and self.before:
            pieces.append(f"between {self.after:%H:%M} and {self.before:%H:%M}")
        elif self.after:
            pieces.append(f"after {self.after:%H:%M}")
        elif self.before:
            pieces.append(f"before {self.before:%H:%M}")
        if self.at:
            pieces.append(f"at {self.at:%H:%M}")
        if self.flexible and not pieces:
            pieces.append("Any time")
        elif self.flexible:
            pieces.append("flexible")
        text = ", ".join(pieces)
        return text[:1].upper() + text[1:]

    def as_dict(self) -> Dict[str, Any]:
        return {
            "dates": [d.isoformat() for d in self.dates],
            "week_of": self.week_of.isoformat() if self.week_of else None,
            "days": [WEEKDAY_SHORT[d] for d in self.days],
            "excluded_days": [WEEKDAY_SHORT[d] for d in self.excluded_days],
            "parts": list(self.parts),
            "after": self.after.strftime("%H:%M") if self.after else None,
            "before": self.before.strftime("%H:%M") if self.before else None,
            "at": self.at.strftime("%H:%M") if self.at else None,
            "asap": self.asap,
            "flexible": self.flexible,
        }


DAY_PARTS = {
    "morning": (time(8), time(12)),
    "lunchtime": (time(12), time(14)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), time(20)),
}
_PART_WORDS = [
    (r"mornings?|first thing|early (?:in the )?day|before work|a\.m\.", "morning"),
    (r"lunch ?times?|lunch|midday|noon", "lunchtime"),
    (r"afternoons?|p\.m\.", "afternoon"),
    (r"evenings?|after work|after school|tonight|nights?", "evening"),
]
_DAY_WORD = (
    r"(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|weds|wed|thurs|thur|thu|"
    r"fri|sat|sun)(?P<plural>s)?"
)
_DAY_RANGE = re.compile(
    rf"\b{_DAY_WORD.replace('?P<day>', '?P<a>').replace('?P<plural>', '?P<pa>')}"
    rf"\s*(?:-|–|to|through|thru|until)\s*"
    rf"{_DAY_WORD.replace('?P<day>', '?P<b>').replace('?P<plural>', '?P<pb>')}\b"
)
_DAY = re.compile(
    rf"\b(?P<prefix>(?:next|this|on|every|coming|this coming|not|except|but not|apart from|"
    rf"other than|excluding|no)\s+)?{_DAY_WORD}\b"
)
_DAY_GROUP = re.compile(
    r"\b(?P<neg>(?:not|except|but not|apart from|no)\s+)?(?:(?P<wd>week ?days?|during the week|"
    r"mon(?:day)?\s*(?:-|to)\s*fri(?:day)?)|(?P<we>week ?ends?))\b"
)
_ASAP = re.compile(
    r"\b(asap|as soon as possible|soonest|earliest|first available|next available|"
    r"as early as possible|urgently|right away)\b"
)
_FLEXIBLE = re.compile(
    r"\b(any ?time|any day|whenever|flexible|don'?t mind|do not mind|any slot|"
    r"anything|no preference|either|whatever suits)\b"
)
_TIME_RANGE = re.compile(
    r"\b(?:between\s+|from\s+)?(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s*(?P<ap1>am|pm)?\s*"
    r"(?:-|–|to|and|until|till)\s*(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2}))?\s*(?P<ap2>am|pm)\b"
    r"|\bbetween\s+(?P<h3>\d{1,2})(?:[:.](?P<m3>\d{2}))?\s*(?P<ap3>am|pm)?\s*and\s*"
    r"(?P<h4>\d{1,2})(?:[:.](?P<m4>\d{2}))?\s*(?P<ap4>am|pm)?\b"
)
_TIME = re.compile(
    r"(?<![\d/.])\b(?P<rel>after|before|from|at|around|about|by|until|till|not before|not after)?\s*"
    r"(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<m>\d{2}))?\s*(?P<ap>am|pm|o'?clock)?\b(?![/.]\d)"
    r"(?!\s*(?:st|nd|rd|th)\b)"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_FRAGMENTS = [
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?", re.I),
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?", re.I),
    re.compile(r"\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b"),
    re.compile(r"\b(?:today|tomorrow|day after tomorrow|in (?:a|one|two|three|four|\d+) (?:days?|weeks?))\b"),
]
_ORDINAL_DAY = re.compile(r"\b(?:on )?the (\d{1,2})(?:st|nd|rd|th)\b")
_WEEK = re.compile(r"\b(?P<which>this|next|the following|following) week\b")
_NEGATIONS = ("not", "except", "but not", "apart from", "other than", "excluding", "no")
_NEGATION = re.compile(r"\b(not|except|but|apart from|other than|excluding|no)\s+(?:on\s+)?$")


def _hour(hour: int, minute: int, ampm: Optional[str]) -> Optional[time]:
    ampm = (ampm or "").lower()
    if ampm.startswith("o"):
        ampm = ""
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif not ampm and 1 <= hour <= 7:
        hour += 12  # "after 5": a clinic day runs 8 to 8, so small bare numbers mean the afternoon or evening
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _day_index(word: str) -> int:
    return next(i for i, name in enumerate(WEEKDAY_NAMES) if name.lower().startswith(word[:3]))


def _day_label(day: date) -> str:
    return f"{WEEKDAY_SHORT[day.weekday()]} {day.day} {day:%b %Y}"


def _days_label(days: Sequence[int]) -> str:
    if tuple(days) == (0, 1, 2, 3, 4):
        return "weekdays (Mon-Fri)"
    if tuple(days) == (5, 6):
        return "weekends (Sat-Sun)"
    if tuple(days) == tuple(range(7)):
        return "any day"
    names = [WEEKDAY_NAMES[d] + "s" for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _next_weekday(today: date, weekday: int, prefix: str) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and prefix.strip() != "this":
        ahead = 7
    return today + timedelta(days=ahead)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


@dataclass
class _Reading:
    text: str
    dates: List[date] = field(default_factory=list)
    days: List[int] = field(default_factory=list)
    excluded: List[int] = field(default_factory=list)
    parts: List[str] = field(default_factory=list)


def parse_preferred_time(
    text: Optional[str], now: datetime, region: str = DEFAULT_REGION
) -> Tuple[Optional[PreferredTime], Optional[str]]:
    """Reads "next Tuesday morning", "weekday evenings", "3rd Dec after 2pm", "asap"...

    Returns (preference, None), or (None, error) with error `unreadable` or `past`. `now` is the clinic's local
    time (naive or aware), used for relative dates.
    """
    raw = _clean(text)[:MAX_TIME_TEXT_CHARS]
    if not raw:
        return None, "unreadable"
    today = now.date()
    work = " " + raw.lower().replace("’", "'") + " "
    reading = _Reading(work)
    asap = bool(_ASAP.search(work))
    flexible = bool(_FLEXIBLE.search(work))
    after = before = at = None
    week_of = None

    # Specific dates first (dateparser), so "3rd December" is not read as "3 o'clock".
    order = "MDY" if region in ("US", "CA", "PH") else "DMY"
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "DATE_ORDER": order,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    past = False
    for pattern in _DATE_FRAGMENTS:
        for match in list(pattern.finditer(reading.text)):
            parsed = dateparser.parse(match.group(0), languages=["en"], settings=settings)
            if parsed is None:
                continue
            day = parsed.date()
            if day < today:
                past = True
            elif day not in reading.dates:
                reading.dates.append(day)
            reading.text = _blank(reading.text, match.start(), match.end())
    for match in list(_ORDINAL_DAY.finditer(reading.text)):
        number = int(match.group(1))
        candidate = _next_day_of_month(today, number)
        if candidate:
            reading.dates.append(candidate)
            reading.text = _blank(reading.text, match.start(), match.end())
    for match in list(
        re.finditer(
            r"\b(?:yesterday|last (?:week|monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday))\b",
            reading.text,
        )
    ):
        past = True
        reading.text = _blank(reading.text, match.start(), match.end())
    week = _WEEK.search(reading.text)
    if week:
        monday = today - timedelta(days=today.weekday())
        week_of = monday if week.group("which") == "this" else monday + timedelta(days=7)
        reading.text = _blank(reading.text, week.start(), week.end())

    for match in list(_DAY_GROUP.finditer(reading.text)):
        group = list(range(0, 5)) if match.group("wd") else [5, 6]
        (reading.excluded if match.group("neg") else reading.days).extend(group)
        reading.text = _blank(reading.text, match.start(), match.end())
    for match in list(_DAY_RANGE.finditer(reading.text)):
        first, last = _day_index(match.group("a")), _day_index(match.group("b"))
        reading.days.extend(range(first, last + 1) if first <= last else [])
        reading.text = _blank(reading.text, match.start(), match.end())
    for match in list(_DAY.finditer(reading.text)):
        word = match.group("day")
        if word in ("sat", "sun", "wed") and not re.search(rf"\b{word.capitalize()}\b", raw) and len(raw.split()) > 2:
            continue  # "I sat", "the sun": in a sentence only the capitalised abbreviation is a day
        weekday = _day_index(word)
        prefix = (match.group("prefix") or "").strip()
        if prefix in _NEGATIONS or _NEGATION.search(reading.text[: match.start()][-20:]):
            reading.excluded.append(weekday)
        elif match.group("plural") or prefix == "every":
            reading.days.append(weekday)
        else:
            reading.dates.append(_next_weekday(today, weekday, prefix))
        reading.text = _blank(reading.text, match.start(), match.end())

    for pattern, part in _PART_WORDS:
        for match in list(re.finditer(rf"\b(?:{pattern})\b", reading.text)):
            if part not in reading.parts:
                reading.parts.append(part)
            reading.text = _blank(reading.text, match.start(), match.end())

    for match in list(_TIME_RANGE.finditer(reading.text)):
        groups = match.groupdict()
        if groups["h1"] is not None:
            h1, m1, ap1, h2, m2, ap2 = (groups[k] for k in ("h1", "m1", "ap1", "h2", "m2", "ap2"))
        else:
            h1, m1, ap1, h2, m2, ap2 = (groups[k] for k in ("h3", "m3", "ap3", "h4", "m4", "ap4"))
        end = _hour(int(h2), int(m2 or 0), ap2)
        start = _hour(int(h1), int(m1 or 0), ap1 or (ap2 if ap2 and int(h1) <= int(h2) else None))
        if start and end and start < end:
            after, before = start, end
            reading.text = _blank(reading.text, match.start(), match.end())
    for match in list(_TIME.finditer(reading.text)):
        rel, ampm, sep = match.group("rel"), match.group("ap"), match.group("sep")
        if not (rel or ampm or sep):
            continue  # a bare number is not a time
        moment = _hour(int(match.group("h")), int(match.group("m") or 0), ampm)
        if moment is None:
            continue
        if rel in ("after", "from", "not before"):
            after = moment
        elif rel in ("before", "by", "until", "till", "not after"):
            before = moment
        else:
            at = moment
        reading.text = _blank(reading.text, match.start(), match.end())

    preference = PreferredTime(
        dates=tuple(sorted(set(reading.dates))),
        week_of=week_of,
        days=tuple(sorted(set(reading.days) - set(reading.excluded))),
        excluded_days=tuple(sorted(set(reading.excluded))),
        parts=tuple(part for part in DAY_PARTS if part in reading.parts),
        after=after,
        before=before,
        at=at,
        asap=asap,
        flexible=flexible,
    )
    if preference.empty:
        return None, "past" if past else "unreadable"
    return preference, None


def _next_day_of_month(today: date, number: int) -> Optional[date]:
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, number)
        except ValueError:
            candidate = None
        if candidate and candidate >= today:
            return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


# ---------------------------------------------------------------------------------------- corrections, restart
FIELD_WORDS = [
    (r"phone numbers?|phone|mobile(?: number)?|telephone|tel|number", "phone"),
    (r"e-?mail(?: address)?|mail address|email", "email"),
    (r"contact(?: details| info| information)?|details", "contact"),
    (r"full name|first name|surname|last name|name", "name"),
    (r"preferred times?|times?|days?|dates?|availability|appointment time|when", "preferred_time"),
    (r"reason|problem|symptoms?", "reason"),
    (r"new or returning|new patient|returning patient|patient type|new|returning", "patient_type"),
]
_FIELDS = "|".join(f"(?:{pattern})" for pattern, _ in FIELD_WORDS)
_CHANGE = re.compile(
    rf"\b(?:change|correct|update|fix|edit|amend|replace)\s+(?:my|the|your)?\s*(?P<field>{_FIELDS})\b"
    rf"(?:\s+(?:to|is|should be|for|with)\s*:?\s*(?P<value>.+))?",
    re.I,
)
_WRONG = re.compile(
    rf"\b(?:my|the)\s+(?P<field>{_FIELDS})\s+(?:is|was|'s)\s+(?:wrong|incorrect|not right|a typo|"
    rf"misspelt|misspelled)\b|\bwrong\s+(?P<field2>{_FIELDS})\b",
    re.I,
)
_MY_X_IS = re.compile(
    rf"^(?:(?:no|sorry|oops|actually|wait)[,.!]?\s+)*(?:actually\s+)?(?:my|the)\s+(?P<field>{_FIELDS})"
    rf"\s+(?:is|should be|should read)\s*:?\s*(?P<value>.+)$",
    re.I,
)
_BARE_FIELD = re.compile(rf"^(?:the\s+|my\s+)?(?P<field>{_FIELDS})(?:\s+please)?[.!]?$", re.I)
_RESTART = re.compile(
    r"\b(start (?:again|over|afresh)|restart|from the (?:beginning|start|top)|begin again|"
    r"start from scratch|redo|do it again)\b",
    re.I,
)


@dataclass(frozen=True)
class Correction:
    field: str  # name, contact, phone, email, preferred_time, reason, patient_type
    value: Optional[str] = None  # the new value when the visitor gave it in the same message


def _field(word: str) -> str:
    for pattern, name in FIELD_WORDS:
        if re.fullmatch(pattern, word.strip(), re.I):
            return name
    return "contact"


def parse_correction(
    text: Optional[str], free_text_slot: bool = False, bare_field: bool = False
) -> Optional[Correction]:
    """'change my phone to 07911 123456', 'my email is wrong', 'actually my name is Sam'.

    `free_text_slot`: the answer being given is free text (the reason), so only explicit change requests count,
    not "my ... is ...". `bare_field`: a bare field name ("the phone number") counts, used after "what would you
    like to change?".
    """
    text = _clean(text)
    if not text:
        return None
    match = _CHANGE.search(text)
    if match:
        value = (match.group("value") or "").strip(" .!") or None
        return Correction(_field(match.group("field")), value)
    match = _WRONG.search(text)
    if match:
        return Correction(_field(match.group("field") or match.group("field2")))
    if not free_text_slot:
        match = _MY_X_IS.search(text)
        if match:
            return Correction(_field(match.group("field")), match.group("value").strip(" .!") or None)
    if bare_field:
        match = _BARE_FIELD.search(text)
        if match:
            return Correction(_field(match.group("field")))
    return None


def is_restart(text: Optional[str]) -> bool:
    return bool(_RESTART.search(_clean(text)))


# ------------------------------------------------------------------------------------------------------ summary
def summary_lines(fields: Mapping[str, Any], region: str = DEFAULT_REGION) -> List[Tuple[str, str]]:
    preferred = fields.get("preferred_time") or ""
    raw = fields.get("preferred_time_text") or ""
    if preferred and raw and raw.strip().lower() != preferred.strip().lower():
        when = f'{preferred} (you wrote: "{raw}")'
    else:
        when = preferred or raw
    lines = [
        ("Name", fields.get("name") or ""),
        ("Phone", format_phone(fields.get("phone"), region)),
        ("Email", fields.get("email") or ""),
        ("Preferred time", when),
        ("Reason", fields.get("reason") or "not given"),
        ("Patient", PATIENT_TYPE_LABELS.get(fields.get("patient_type") or "", "")),
    ]
    return [(label, value) for label, value in lines if value]


def summary_text(fields: Mapping[str, Any], region: str = DEFAULT_REGION) -> str:
    return "\n".join(f"- {label}: {value}" for label, value in summary_lines(fields, region))


def handoff_summary(
    topics: Iterable[str],
    assessment_summary: Optional[str],
    recent_messages: Sequence[str],
    booking: Optional[Mapping[str, Any]] = None,
    limit: int = 1500,
) -> str:
    """What the front desk needs to pick up the conversation, in a few lines."""
    lines = ["Visitor asked to talk to a person."]
    topics = [t for t in dict.fromkeys(topics) if t]
    if topics:
        lines.append("Asked about: " + ", ".join(topics) + ".")
    if assessment_summary:
        lines.append("Symptom check: " + assessment_summary.strip())
    booking = booking or {}
    wanted = [
        f"{label}: {booking[key]}"
        for key, label in (
            ("preferred_time", "preferred time"),
            ("preferred_time_text", "in their words"),
            ("reason", "reason"),
            ("patient_type", "patient"),
        )
        if booking.get(key)
    ]
    if wanted:
        lines.append("Unfinished booking (" + "; ".join(wanted) + ").")
    if recent_messages:
        lines.append("Last messages: " + " | ".join(f'"{m[:200]}"' for m in recent_messages))
    text = "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def topic_label(intent: str) -> Optional[str]:
    """'ask_plantar_fasciitis' -> 'plantar fasciitis'."""
    if not intent.startswith("ask_"):
        return None
    return intent[4:].replace("_", " ")


# ---------------------------------------------------------------------------------------------- idempotency
def content_fingerprint(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(dict(fields), sort_keys=True, default=str).encode()).hexdigest()


def idempotency_key(conversation_id: str, submission_id: Optional[str], fields: Mapping[str, Any]) -> str:
    """Same conversation + same submission + same content -> same key, so a retried or double-clicked submit
    stores one request; a corrected request (different content) is a new one."""
    material = "\x1f".join([conversation_id, submission_id or "", content_fingerprint(fields)])
    return hashlib.sha256(material.encode()).hexdigest()


DIGRESSION_INTENTS = frozenset({"more_info", "bot_challenge"})
DIGRESSION_CONFIDENCE = 0.8


def is_digression(intent: Optional[str], confidence: float, text: str) -> bool:
    """Whether a message typed while a booking question is open asks something instead of answering it.

    The classifier must be sure it is a question (an education intent, "tell me more", "are you a bot") AND the
    text must read like one or be a button: a name such as "Alex" can look like anything to the classifier, and an
    answer must never be swallowed as a question (found when new training data made "Alex Walker" a topic).
    """
    if not intent or confidence <= DIGRESSION_CONFIDENCE:
        return False
    if not (intent.startswith("ask_") or intent in DIGRESSION_INTENTS):
        return False
    text = (text or "").strip()
    return text.startswith("/") or looks_like_question(text)
