"""Share: public URLs, ACLs, presigned links (lands with issue #5)."""

from ui import widgets

widgets.coming_next(
    "Share",
    5,
    "correct public URLs, make public/private, presigned download and upload links.",
)
