"""The time picker's repeated parts built in Python: a day has up to 36 time chips and a week
strip 7 days, and each cost a dozen template nodes and a localized date or time format (the
two were half of the page's rendering). Words and formats are made once per language and
escaped when they are made; the rest is ours: ids, counts, a UTC timestamp
(availability.slot_value) and the links views/times.py builds, which are escaped here."""

import datetime as dt
import html
from functools import lru_cache

from django import template
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()

CHIP = (
    '<li><label class="time-chip" for="{0}_{1}"><input type="radio" name="start" id="{0}_{1}" '
    'value="{2}"{3}{4}> <span class="time-chip-text">{5}</span></label></li>'
)
DAY = (
    '<li><{tag} class="week-day{closed}"{href}{current}><span class="week-day-name">{name}</span> '
    '<span class="week-day-date">{number}<span class="visually-hidden"> {month}</span></span> '
    '<span class="week-day-count">{count}</span></{tag}></li>'
)
NO_TIMES = '<span aria-hidden="true">\N{EN DASH}</span>'
CHECKED = " checked"
INVALID = ' aria-invalid="true"'


@lru_cache(maxsize=512)
def _clock(language: str | None, hour: int, minute: int) -> str:
    # One per language and time of day: the active language decides the format.
    return html.escape(formats.time_format(dt.time(hour, minute), "TIME_FORMAT"))


def chip_text(start: dt.datetime, clock_change: bool) -> str:
    """The local time as the page's language writes it, escaped; with the zone's abbreviation
    on a day the clocks change (the same wall time may then come twice)."""
    text = _clock(get_language(), start.hour, start.minute)
    return f"{text} {html.escape(start.tzname())}" if clock_change else text


@register.simple_tag
def time_chips(slots: list[dict], field, clock_change: bool = False) -> str:
    """The radio chips of one part of the day (clinic/booking/views/times.py group_slots):
    ids id_start_0, id_start_1... in the day's order, the chosen one checked, all marked
    invalid when the field has an error."""
    field_id = html.escape(field.auto_id)
    invalid = INVALID if field.errors else ""
    return mark_safe(
        "\n    ".join(
            CHIP.format(
                field_id,
                slot["index"],
                slot["value"],
                CHECKED if slot["checked"] else "",
                invalid,
                chip_text(slot["start"], clock_change),
            )
            for slot in slots
        )
    )


@lru_cache(maxsize=256)
def _day_words(language: str | None, day: dt.date) -> tuple[str, str, str]:
    # The weekday's short name, the day of the month and the month's name, in `language`.
    return tuple(html.escape(formats.date_format(day, part)) for part in ("D", "j", "F"))


@lru_cache(maxsize=128)
def _count_words(language: str | None, count: int) -> str:
    if not count:
        words = html.escape(gettext("no open times"))
        return f'{NO_TIMES}<span class="visually-hidden">{words}</span>'
    words = html.escape(ngettext("open time", "open times", count))
    return f'{count}<span class="week-day-word"> {words}</span>'


@register.simple_tag
def week_days(days: list[dict]) -> str:
    """The week strip's days (views/times.py time_page_context): a link to each day with open
    times and its count, the others plain; the day shown is marked aria-current="date"."""
    language = get_language()
    items = []
    for day in days:
        name, number, month = _day_words(language, day["date"])
        count = day["count"]
        items.append(
            DAY.format(
                tag="a" if count else "span",
                closed="" if count else " week-day-closed",
                href=f' href="{html.escape(day["url"])}#times"' if count else "",
                current=' aria-current="date"' if day["current"] else "",
                name=name,
                number=number,
                month=month,
                count=_count_words(language, count),
            )
        )
    return mark_safe("\n    ".join(items))
