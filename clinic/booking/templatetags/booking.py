"""The booking pages' time chips, built in Python: a day has up to 36 of them, and each cost a
dozen template nodes and a localized time format (about a fifth of the time picker's page)."""

import datetime as dt
from functools import lru_cache

from django import template
from django.utils import formats
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

CHIP = (
    '<li><label class="time-chip" for="{0}_{1}"><input type="radio" name="start" id="{0}_{1}" '
    'value="{2}"{3}{4}> <span class="time-chip-text">{5}</span></label></li>'
)
CHECKED = mark_safe(" checked")
INVALID = mark_safe(' aria-invalid="true"')
NOTHING = mark_safe("")


@lru_cache(maxsize=512)
def _clock(language: str | None, hour: int, minute: int) -> str:
    # One per language and time of day: the active language decides the format.
    return formats.time_format(dt.time(hour, minute), "TIME_FORMAT")


def chip_text(start: dt.datetime, clock_change: bool) -> str:
    """The local time as the page's language writes it; with the zone's abbreviation on a day
    the clocks change (the same wall time may then come twice)."""
    text = _clock(get_language(), start.hour, start.minute)
    return f"{text} {start.tzname()}" if clock_change else text


@register.simple_tag
def time_chips(slots: list[dict], field, clock_change: bool = False) -> str:
    """The radio chips of one part of the day (clinic/booking/views/times.py group_slots):
    ids id_start_0, id_start_1... in the day's order, the chosen one checked, all marked
    invalid when the field has an error."""
    field_id = field.auto_id
    invalid = INVALID if field.errors else NOTHING
    return format_html_join(
        "\n    ",
        CHIP,
        (
            (
                field_id,
                slot["index"],
                slot["value"],
                CHECKED if slot["checked"] else NOTHING,
                invalid,
                chip_text(slot["start"], clock_change),
            )
            for slot in slots
        ),
    )
