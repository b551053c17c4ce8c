"""Upload: many files, content types, visibility, multipart (lands with issue #4)."""

from ui import widgets

widgets.coming_next(
    "Upload",
    4,
    "many files at once with Content-Type, private or public-read, multipart with progress.",
)
