"""Date and time formats per language (FORMAT_MODULE_PATH).

Django's ``date``/``time`` filters and ``formats.date_format`` look a format
name up in the active language's module here first. Besides Django's own
names, these modules define the clinic's names below; every language module
must define all of them, or the name itself would be printed.

- WEEKDAY_DATE_FORMAT: long day with year ("Tuesday 1 December 2026").
- WEEKDAY_FORMAT: long day without year ("Tuesday 1 December").
- WEEKDAY_TIME_FORMAT: long day and a client-facing time.
- WEEKDAY_CLOCK_FORMAT: long day and a 24-hour time, for staff.
- SHORT_DAY_FORMAT / SHORT_DAY_YEAR_FORMAT: "Mon 30 Nov" (2026).
- SHORT_DAY_CLOCK_FORMAT / SHORT_DAY_YEAR_CLOCK_FORMAT: the same with 24-hour time.
- DAY_MONTH_FORMAT / DAY_MONTH_YEAR_FORMAT: "30 Nov" (2026), week ranges.
- MONTH_DAY_SHORT_FORMAT: "Nov 30", calendar column heads.
- FULL_DATE_FORMAT: "1 December 2026", no weekday.
"""
