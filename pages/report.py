"""Monthly report: many CSVs into one report site (lands with issue #6)."""

from ui import widgets

widgets.coming_next(
    "Monthly report",
    6,
    "read a month of daily CSVs, aggregate, preview, then publish CSV, HTML, chart and index.",
)
