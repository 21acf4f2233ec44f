"""Dates and times follow the reader's language through the named formats in clinic/formats."""

import datetime
import importlib
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

TUESDAY = datetime.datetime(2026, 12, 1, 10, 0)
MONDAY = datetime.date(2026, 11, 30)
CLINIC_NAMES = re.compile(r"^[A-Z_]+_FORMAT$")


def shown(value, name, language):
    with translation.override(language):
        return formats.date_format(value, name)


def clinic_names(language):
    module = importlib.import_module(f"clinic.formats.{language}.formats")
    return {name for name in vars(module) if CLINIC_NAMES.match(name)}


def test_every_language_defines_every_clinic_format():
    # A name missing from one language would be printed as the name itself.
    languages = [code for code, _ in settings.LANGUAGES]
    django_names = set(formats.FORMAT_SETTINGS)
    wanted = set().union(*(clinic_names(code) - django_names for code in languages))
    for code in languages:
        assert wanted <= clinic_names(code), code


@pytest.mark.parametrize(
    ("name", "value", "english"),
    [
        ("WEEKDAY_DATE_FORMAT", TUESDAY, "Tuesday 1 December 2026"),
        ("WEEKDAY_FORMAT", TUESDAY, "Tuesday 1 December"),
        ("WEEKDAY_TIME_FORMAT", TUESDAY, "Tuesday 1 December, 10 a.m."),
        ("WEEKDAY_CLOCK_FORMAT", TUESDAY, "Tuesday 1 December, 10:00"),
        ("SHORT_DAY_FORMAT", MONDAY, "Mon 30 Nov"),
        ("SHORT_DAY_YEAR_FORMAT", MONDAY, "Mon 30 Nov 2026"),
        ("SHORT_DAY_CLOCK_FORMAT", TUESDAY, "Tue 1 Dec, 10:00"),
        ("SHORT_DAY_YEAR_CLOCK_FORMAT", TUESDAY, "Tue 1 Dec 2026, 10:00"),
        ("DAY_MONTH_FORMAT", MONDAY, "30 Nov"),
        ("DAY_MONTH_YEAR_FORMAT", MONDAY, "30 Nov 2026"),
        ("MONTH_DAY_SHORT_FORMAT", MONDAY, "Nov 30"),
        ("FULL_DATE_FORMAT", TUESDAY, "1 December 2026"),
        ("DATE_FORMAT", TUESDAY, "Dec. 1, 2026"),
        ("TIME_FORMAT", TUESDAY, "10 a.m."),
    ],
)
def test_english_dates_read_as_before(name, value, english):
    assert shown(value, name, "en") == english


@pytest.mark.parametrize(
    ("name", "value", "spanish"),
    [
        ("WEEKDAY_DATE_FORMAT", TUESDAY, ", 1 de diciembre de 2026"),
        ("WEEKDAY_FORMAT", TUESDAY, ", 1 de diciembre"),
        ("WEEKDAY_TIME_FORMAT", TUESDAY, ", 1 de diciembre, 10:00"),
        ("FULL_DATE_FORMAT", TUESDAY, "1 de diciembre de 2026"),
        ("DATE_FORMAT", TUESDAY, "1 de diciembre de 2026"),
        ("TIME_FORMAT", TUESDAY, "10:00"),
    ],
)
def test_spanish_long_dates_use_de_and_a_24_hour_clock(name, value, spanish):
    assert shown(value, name, "es").endswith(spanish)


@pytest.mark.parametrize(
    ("name", "value", "spanish"),
    [
        ("SHORT_DAY_FORMAT", MONDAY, "lun 30 nov"),
        ("SHORT_DAY_FORMAT", TUESDAY, "mar 1 dic"),
        ("SHORT_DAY_YEAR_FORMAT", MONDAY, "lun 30 nov 2026"),
        ("SHORT_DAY_CLOCK_FORMAT", TUESDAY, "mar 1 dic, 10:00"),
        ("DAY_MONTH_FORMAT", MONDAY, "30 nov"),
        ("DAY_MONTH_YEAR_FORMAT", MONDAY, "30 nov 2026"),
        ("MONTH_DAY_SHORT_FORMAT", MONDAY, "30 nov"),
    ],
)
def test_spanish_short_dates_keep_months_in_lower_case(name, value, spanish):
    assert shown(value, name, "es") == spanish


def test_spanish_long_date_reads_naturally():
    assert shown(TUESDAY, "WEEKDAY_DATE_FORMAT", "es") == "martes, 1 de diciembre de 2026"


def test_templates_resolve_the_names_per_language():
    template = Template(
        '{{ when|date:"WEEKDAY_DATE_FORMAT" }} | {{ when|time:"TIME_FORMAT" }} | '
        '{{ day|date:"SHORT_DAY_FORMAT" }}'
    )
    context = Context({"when": TUESDAY, "day": MONDAY})
    with translation.override("en"):
        assert template.render(context) == "Tuesday 1 December 2026 | 10 a.m. | Mon 30 Nov"
    with translation.override("es"):
        assert template.render(context).endswith(", 1 de diciembre de 2026 | 10:00 | lun 30 nov")


def test_prices_in_spanish_use_the_us_decimal_point():
    template = Template('${{ price|floatformat:"-2" }} · ${{ big|floatformat:"2g" }}')
    context = Context({"price": 85.5, "big": 1250.5})
    for language in ("en", "es"):
        with translation.override(language):
            assert template.render(context) == "$85.50 · $1,250.50", language
