"""The Streamlit side shared by every page: the connection/caching adapter and common widgets."""

import contextlib
import threading
from collections.abc import Iterator

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_shell = threading.local()  # each session's script runs in its own thread


@contextlib.contextmanager
def app_shell() -> Iterator[None]:
    """Mark the page run by streamlit_app.py as running inside the app shell."""
    _shell.active = True
    try:
        yield
    finally:
        _shell.active = False


def require_app_shell() -> None:
    """Called first by every page: a page run without the shell is rerun through it.

    Streamlit treats a folder named pages/ as an old-style multipage app until some session has
    called st.navigation, and sessions already started in that mode keep running pages bare.
    On a freshly started server, deep links such as /report from several users at once would
    then show pages without navigation or connection badge. Switching the mode off and rerunning
    sends each of them through streamlit_app.py.
    """
    if not getattr(_shell, "active", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
