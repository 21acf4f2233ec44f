"""The last step of /book/: the client's details, what they are requesting, and the clinic's
cancellation and no-show policy, before the request is sent.

The chosen time is kept in the session's draft (views/book.py). "Change the time" and "Change
session or therapist" are buttons of this form, so what the client typed travels with them into
the draft and comes back here when they have chosen again. When the time was taken meanwhile,
the page shows the message beside the time and that day's other open times as radio buttons."""

from __future__ import annotations

from django.utils import timezone

from clinic.booking import availability
from clinic.booking.views.times import group_slots, zone_in_words

CONTACT_FIELDS = ("client_name", "email", "phone", "note")
KEPT_LENGTH = 2000  # the longest field (the note) takes no more


def typed_details(data) -> dict:
    """What the client typed in their details, as they typed it (kept across a change of time)."""
    return {name: data[name][:KEPT_LENGTH] for name in CONTACT_FIELDS if data.get(name)}


def details_page_context(choice, form, *, start, now, rules) -> dict:
    """`start`: the time requested (UTC), or None when the posted one could not be read."""
    service = choice.cleaned_data["service"]
    context = {
        "service": service,
        "therapist": choice.chosen_therapist(),
        "therapist_value": choice.cleaned_data["therapist"],
        "start": timezone.localtime(start, rules.zone) if start else None,
        "start_value": availability.slot_value(start) if start else "",
        "zone_words": zone_in_words(rules.time_zone),
        "rules": rules,
        "form": form,
        "other_times": None,
    }
    if form.is_bound and "start" in form.errors:
        # The time is no longer open (or was never one): offer the other open times that day.
        first_bookable, last_bookable = availability.bookable_days(now, rules)
        day = timezone.localtime(start, rules.zone).date() if start else first_bookable
        day = min(max(day, first_bookable), last_bookable)
        slots = availability.open_slots(
            service,
            choice.chosen_therapist(),
            first_day=day,
            last_day=day,
            now=now,
            rules=rules,
            therapists=choice.therapists,
        )
        context["other_times"] = {
            "day": day,
            "groups": group_slots(slots, rules.zone, selected=None),
            "count": len(slots),
            "clock_change": availability.day_has_clock_change(day, rules.zone),
        }
    return context
