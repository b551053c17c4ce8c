"""The Streamlit side shared by every page: the connection/caching adapter and common widgets."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def _use_the_app_shell() -> None:
    """Make the first run of a fresh server go through streamlit_app.py.

    Streamlit treats a folder named pages/ as an old-style multipage app until some session has
    called st.navigation. A deep link such as /connect as the very first request would then run
    the page bare: no navigation, no connection badge. Every page imports this package, so the
    first such run switches the mode off and reruns through the app shell.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_use_the_app_shell()
