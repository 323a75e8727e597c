"""Dates and numbers as each language writes them (FORMAT_MODULE_PATH); Django's own formats of the
language fill in whatever is not set here. Templates use the names (``|date:"DATE_FORMAT"``), never
a fixed pattern. DATETIME_FORMAT ends with the minutes in every language: the audit pages add the
seconds after it."""
