"""Widgets shared by pages: the connection badge, error banner, identity card, placeholders."""

from __future__ import annotations

import streamlit as st

from core.connection import ConnectionSettings, Identity, Mode
from core.errors import CoreError

SANDBOX_NOTE = (
    "The sandbox is a local S3 server with demo data. It lives in memory on this server, is "
    "shared by everyone using this server, and is reset when the app restarts."
)
BUCKETS_SHOWN = 25  # bucket names listed after a connection test


def connection_badge(settings: ConnectionSettings) -> None:
    """Sidebar card that always says what this session is connected to."""
    with st.sidebar:
        if settings.mode is Mode.SANDBOX:
            st.info(
                "**Sandbox** · local S3 with demo data, in memory, shared by everyone on this "
                "server, reset on restart.",
                icon=":material/science:",
            )
        else:
            st.success(f"**Connected** · {settings.describe()}", icon=":material/cloud_done:")
        if settings.uses_temporary_credentials:
            st.caption("Temporary credentials: links you sign die when they expire.")


def error_banner(err: CoreError) -> None:
    """Show a CoreError as its sentence; never a traceback."""
    st.error(str(err), icon=":material/error:")


def identity_card(identity: Identity) -> None:
    """What a connection test found: who you are and which buckets you can see."""
    if identity.arn:
        st.success(f"Connected to AWS as `{identity.arn}` (account {identity.account}).")
    else:
        st.success(f"Connected to `{identity.endpoint}`.")
    if not identity.bucket_names:
        st.caption("These credentials can list no buckets yet.")
        return
    shown = ", ".join(f"`{name}`" for name in identity.bucket_names[:BUCKETS_SHOWN])
    more = identity.bucket_count - BUCKETS_SHOWN
    st.markdown(
        f"**{identity.bucket_count} bucket(s):** {shown}" + (f" and {more} more" if more > 0 else "")
    )


def coming_next(title: str, issue: int, what: str) -> None:
    """An honest placeholder for a page whose issue has not landed yet."""
    st.title(title)
    st.info(f"Coming next (issue #{issue}): {what}", icon=":material/construction:")
    st.page_link("pages/connect.py", label="Meanwhile, the Connect page lists your buckets.")
