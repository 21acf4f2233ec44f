"""The time page's pure helpers: the zone in words, the parts of the day, the week windows."""

import datetime as dt

import pytest
from django.utils import translation

from clinic.booking.views.times import part_of_day, week_containing, zone_in_words


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("America/Denver", "Mountain Time (Denver)"),
        ("America/New_York", "Eastern Time (New York)"),
        ("America/Chicago", "Central Time (Chicago)"),
        ("America/Los_Angeles", "Pacific Time (Los Angeles)"),
        ("America/Anchorage", "Alaska Time (Anchorage)"),
        ("Pacific/Honolulu", "Hawaii Time (Honolulu)"),
        ("America/Phoenix", "Mountain Standard Time, no daylight saving (Phoenix)"),
        ("US/Mountain", "Mountain Time (Denver)"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("Europe/Lisbon", "Lisbon time"),
        ("UTC", "UTC"),
    ],
)
def test_zone_in_words(zone, words):
    with translation.override("en"):
        assert zone_in_words(zone) == words


@pytest.mark.parametrize(
    ("clock", "part"),
    [
        (dt.time(6, 0), "morning"),
        (dt.time(11, 59), "morning"),
        (dt.time(12, 0), "afternoon"),
        (dt.time(16, 45), "afternoon"),
        (dt.time(17, 0), "evening"),
        (dt.time(21, 30), "evening"),
    ],
)
def test_part_of_day(clock, part):
    assert part_of_day(clock) == part


def test_weeks_are_seven_day_windows_from_the_first_bookable_day():
    first = dt.date(2026, 12, 1)
    assert week_containing(first, first) == first
    assert week_containing(dt.date(2026, 12, 7), first) == first
    assert week_containing(dt.date(2026, 12, 8), first) == dt.date(2026, 12, 8)
    assert week_containing(dt.date(2027, 1, 20), first) == dt.date(2027, 1, 19)
