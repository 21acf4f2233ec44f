"""The time page of /book/: a week strip, a jump to any day in the horizon, and the chosen day's
open times grouped into morning, afternoon and evening, in the clinic's zone said in words.

Weeks are 7-day windows counted from the first bookable day (today), so "previous week",
"next week" and a jump to a date always land on the same windows. The page is plain GET links
and one small GET form; nothing the client typed is on it (their details come on the next
step), so changing the day loses nothing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.booking import availability

DAYS_SHOWN = 7

# The parts of a day, by the local clock: morning before 12:00, afternoon 12:00-16:59,
# evening from 17:00.
PARTS_OF_DAY = (
    ("morning", gettext_lazy("Morning"), gettext_lazy("before noon"), dt.time(0)),
    ("afternoon", gettext_lazy("Afternoon"), gettext_lazy("noon to 5 p.m."), dt.time(12)),
    ("evening", gettext_lazy("Evening"), gettext_lazy("from 5 p.m."), dt.time(17)),
)

# The US zones in the words people use for them. Zones not listed are named by their city.
ZONE_WORDS = {
    "America/New_York": gettext_lazy("Eastern Time"),
    "America/Detroit": gettext_lazy("Eastern Time"),
    "America/Indiana/Indianapolis": gettext_lazy("Eastern Time"),
    "America/Kentucky/Louisville": gettext_lazy("Eastern Time"),
    "America/Chicago": gettext_lazy("Central Time"),
    "America/Denver": gettext_lazy("Mountain Time"),
    "America/Boise": gettext_lazy("Mountain Time"),
    "America/Phoenix": gettext_lazy("Mountain Standard Time, no daylight saving"),
    "America/Los_Angeles": gettext_lazy("Pacific Time"),
    "America/Anchorage": gettext_lazy("Alaska Time"),
    "America/Juneau": gettext_lazy("Alaska Time"),
    "Pacific/Honolulu": gettext_lazy("Hawaii Time"),
}
ZONE_ALIASES = {
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Mountain": "America/Denver",
    "US/Arizona": "America/Phoenix",
    "US/Pacific": "America/Los_Angeles",
    "US/Alaska": "America/Anchorage",
    "US/Hawaii": "Pacific/Honolulu",
}


def zone_in_words(name: str) -> str:
    """The clinic's zone as a person says it: "Mountain Time (Denver)" for America/Denver,
    "Lisbon time" for a zone not in the list, "UTC" for UTC."""
    canonical = ZONE_ALIASES.get(name, name)
    city = canonical.rsplit("/", 1)[-1].replace("_", " ")
    words = ZONE_WORDS.get(canonical)
    if words is not None:
        return _("%(zone)s (%(city)s)") % {"zone": words, "city": city}
    if "/" not in canonical:
        return canonical
    return _("%(city)s time") % {"city": city}


def part_of_day(clock: dt.time) -> str:
    key = PARTS_OF_DAY[0][0]
    for part, _label, _hint, starts in PARTS_OF_DAY:
        if clock >= starts:
            key = part
    return key


def group_slots(slots, zone, *, selected: str | None = None) -> list[dict]:
    """The slots of one day as groups (morning, afternoon, evening; empty ones left out), each
    slot with its radio button's index so that ids run id_start_0, id_start_1, ... in order."""
    groups = {part: [] for part, *_rest in PARTS_OF_DAY}
    for index, slot in enumerate(slots):
        local = timezone.localtime(slot.start, zone)
        groups[part_of_day(local.time())].append(
            {
                "value": slot.value,
                "start": local,
                "checked": slot.value == selected,
                "index": index,
            }
        )
    return [
        {"key": part, "label": label, "hint": hint, "slots": groups[part]}
        for part, label, hint, _starts in PARTS_OF_DAY
        if groups[part]
    ]


def parse_day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def week_containing(day: dt.date, first_bookable: dt.date) -> dt.date:
    """The first day of the 7-day window (counted from the first bookable day) holding `day`."""
    return first_bookable + dt.timedelta(days=DAYS_SHOWN * ((day - first_bookable).days // 7))


def time_page_context(request, choice, form, *, source, draft, now, rules) -> dict:
    service = choice.cleaned_data["service"]
    therapist = choice.chosen_therapist()
    therapist_value = choice.cleaned_data["therapist"]
    first_bookable, last_bookable = availability.bookable_days(now, rules)
    same_choice = draft.get("service") == service.slug and draft.get("therapist") == therapist_value
    drafted_start = availability.parse_slot_value(draft.get("start")) if same_choice else None

    asked_day = request.POST.get("day") if request.method == "POST" else source.get("day")
    chosen_day = parse_day(asked_day)
    if chosen_day is None and drafted_start is not None and source is draft:
        chosen_day = timezone.localtime(drafted_start, rules.zone).date()
    jump_error = None
    if asked_day and (chosen_day is None or not first_bookable <= chosen_day <= last_bookable):
        jump_error = _("Choose a date from %(first)s to %(last)s.") % {
            "first": formats.date_format(first_bookable, "FULL_DATE_FORMAT"),
            "last": formats.date_format(last_bookable, "FULL_DATE_FORMAT"),
        }
        chosen_day = None

    # Which week of days to show, and which day's times.
    week_from = parse_day(source.get("from")) if source is not draft else None
    if chosen_day is not None:
        week_start = week_containing(chosen_day, first_bookable)
    elif week_from is not None and first_bookable <= week_from <= last_bookable:
        week_start = week_containing(week_from, first_bookable)
    else:
        week_start = first_bookable
    week_end = min(week_start + dt.timedelta(days=DAYS_SHOWN - 1), last_bookable)
    days = availability.open_slots_by_day(
        service,
        therapist,
        first_day=week_start,
        last_day=week_end,
        now=now,
        rules=rules,
        therapists=choice.therapists,
    )
    if chosen_day is None:
        chosen_day = next((day for day, slots in days.items() if slots), week_start)
    slots = days.get(chosen_day, [])

    selected = None
    if form.is_bound:
        selected = form.data.get("start")
    elif drafted_start is not None:
        selected = availability.slot_value(drafted_start)
    drafted_gone = (
        source is draft and drafted_start is not None and selected not in {s.value for s in slots}
    )

    query = {"service": service.slug, "therapist": therapist_value}
    choice_query = "?" + urlencode(query)

    def link(**params) -> str:
        return choice_query + "".join(f"&{k}={v.isoformat()}" for k, v in params.items())

    previous_week = week_start - dt.timedelta(days=DAYS_SHOWN)
    next_week = week_start + dt.timedelta(days=DAYS_SHOWN)
    # Everything the week strip is built from (with the page's language): checked values,
    # dates and counts, never raw input. None when a date typed in the jump was refused.
    week_kept_as = None
    if jump_error is None:
        counts = ",".join(str(len(day_slots)) for day_slots in days.values())
        week_kept_as = (
            f"{service.slug}:{therapist_value}:{first_bookable}:{last_bookable}:{week_start}:"
            f"{week_end}:{chosen_day}:{counts}"
        )
    return {
        "week_kept_as": week_kept_as,
        "service": service,
        "therapist": therapist,
        "therapist_value": therapist_value,
        "change_url": "?" + urlencode({**query, "change": "1"}),
        "days": [
            {
                "date": day,
                "count": len(day_slots),
                "url": link(day=day),
                "current": day == chosen_day,
            }
            for day, day_slots in days.items()
        ],
        "previous_url": link(**{"from": previous_week}) if week_start > first_bookable else None,
        "next_url": link(**{"from": next_week}) if next_week <= last_bookable else None,
        "first_bookable": first_bookable,
        "last_bookable": last_bookable,
        "jump_error": jump_error,
        "jump_action": reverse("booking_start"),
        "jump_fields": list(query.items()),
        "day": chosen_day,
        "week_start": week_start,
        "week_end": week_end,
        "slot_count": len(slots),
        "groups": group_slots(slots, rules.zone, selected=selected),
        "clock_change": availability.day_has_clock_change(chosen_day, rules.zone),
        "zone_words": zone_in_words(rules.time_zone),
        "rules": rules,
        "form": form,
        "drafted_gone": drafted_gone,
    }
