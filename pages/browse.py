"""Browse: buckets, folders and objects (lands with issue #3)."""

from ui import widgets

widgets.coming_next(
    "Browse",
    3,
    "buckets, folders and objects with paging past 1000 keys, metadata, previews, download and delete.",
)
