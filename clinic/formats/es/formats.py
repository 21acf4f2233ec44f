"""Spanish formats: "martes, 1 de diciembre de 2026", "lun 30 nov", "10:00".

Month abbreviations use "b" (lower case, "nov"): Spanish does not capitalise
month names, and Django's "M" would print "Nov".

Numbers follow Spanish as written in the United States (es-US), where the
clinic is and prices are in dollars: "$1,250.50", not Spain's "1.250,50".
"""

DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "H:i"
WEEKDAY_DATE_FORMAT = r"l, j \d\e F \d\e Y"
WEEKDAY_FORMAT = r"l, j \d\e F"
WEEKDAY_TIME_FORMAT = r"l, j \d\e F, H:i"
WEEKDAY_CLOCK_FORMAT = r"l, j \d\e F, H:i"
SHORT_DAY_FORMAT = "D j b"
SHORT_DAY_YEAR_FORMAT = "D j b Y"
SHORT_DAY_CLOCK_FORMAT = "D j b, H:i"
SHORT_DAY_YEAR_CLOCK_FORMAT = "D j b Y, H:i"
DAY_MONTH_FORMAT = "j b"
DAY_MONTH_YEAR_FORMAT = "j b Y"
MONTH_DAY_SHORT_FORMAT = "j b"
FULL_DATE_FORMAT = r"j \d\e F \d\e Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
