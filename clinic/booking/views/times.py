"""The time page of /book/: a week of days, the chosen day's open times, and the form."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.http import urlencode

from clinic.booking import availability

DAYS_SHOWN = 7


def parse_day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def time_page_context(request, choice, form, *, source, draft, now, rules) -> dict:
    service = choice.cleaned_data["service"]
    therapist = choice.chosen_therapist()
    therapist_value = choice.cleaned_data["therapist"]
    first_bookable, last_bookable = availability.bookable_days(now, rules)
    drafted_start = availability.parse_slot_value(draft.get("start")) if source is draft else None

    if request.method == "POST":
        chosen_day = parse_day(request.POST.get("day"))
    else:
        chosen_day = parse_day(request.GET.get("day")) or (
            timezone.localtime(drafted_start, rules.zone).date() if drafted_start else None
        )

    # Which week of days to show, and which day's times.
    week_start = parse_day(source.get("from")) if source is not draft else None
    if chosen_day is not None and not (first_bookable <= chosen_day <= last_bookable):
        chosen_day = None
    if week_start is None or not (first_bookable <= week_start <= last_bookable):
        week_start = chosen_day or first_bookable
    week_end = min(week_start + dt.timedelta(days=DAYS_SHOWN - 1), last_bookable)
    if chosen_day is not None and not (week_start <= chosen_day <= week_end):
        chosen_day = None
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
    drafted_gone = drafted_start is not None and selected not in {s.value for s in slots}

    query = {"service": service.slug, "therapist": therapist_value}

    def link(**params) -> str:
        return "?" + urlencode({**query, **{k: v.isoformat() for k, v in params.items()}})

    previous_week = week_start - dt.timedelta(days=DAYS_SHOWN)
    next_week = week_start + dt.timedelta(days=DAYS_SHOWN)
    return {
        "service": service,
        "therapist": therapist,
        "therapist_value": therapist_value,
        "change_url": "?" + urlencode({**query, "change": "1"}),
        "days": [
            {
                "date": day,
                "count": len(day_slots),
                "url": link(**{"from": week_start, "day": day}),
                "current": day == chosen_day,
            }
            for day, day_slots in days.items()
        ],
        "previous_url": link(**{"from": max(previous_week, first_bookable)})
        if week_start > first_bookable
        else None,
        "next_url": link(**{"from": next_week}) if next_week <= last_bookable else None,
        "day": chosen_day,
        "week_start": week_start,
        "slots": [
            {"value": slot.value, "start": slot.start, "checked": slot.value == selected}
            for slot in slots
        ],
        "clock_change": availability.day_has_clock_change(chosen_day, rules.zone),
        "zone_name": rules.time_zone,
        "rules": rules,
        "form": form,
        "drafted_gone": drafted_gone,
    }
