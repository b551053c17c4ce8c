"""S3 Workbench: page config, navigation and the connection badge. Nothing else lives here."""

import logging

import streamlit as st

import ui
from core.errors import CoreError
from ui import adapter, widgets

st.set_page_config(page_title="S3 Workbench", page_icon="🪣", layout="wide")

page = st.navigation(
    [
        st.Page("pages/browse.py", title="Browse", icon=":material/folder_open:", default=True),
        st.Page("pages/buckets.py", title="Buckets", icon=":material/inventory_2:"),
        st.Page("pages/upload.py", title="Upload", icon=":material/upload:"),
        st.Page("pages/share.py", title="Share", icon=":material/share:"),
        st.Page("pages/report.py", title="Monthly report", icon=":material/bar_chart:"),
        st.Page("pages/connect.py", title="Connect", icon=":material/power:"),
    ]
)

try:
    widgets.connection_badge(adapter.current_settings())
    with ui.app_shell():
        page.run()
except CoreError as err:
    widgets.error_banner(err)
except Exception:
    # Last resort: the details go to the server log, never to the page.
    logging.getLogger("s3workbench").exception("Unexpected error on page %s", page.title)
    st.error(
        "Something unexpected went wrong. It has been logged on the server; "
        "reload the page or try again.",
        icon=":material/error:",
    )
