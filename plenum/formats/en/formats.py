# 29 Nov 2026; 29 Nov 2026, 14:05; 12,345.6. Day before month, the month in letters: never the
# ambiguous 11/29/2026 of Django's default short formats.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
