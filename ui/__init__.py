"""The Streamlit side shared by every page: the connection/caching adapter and common widgets."""

import contextlib
import runpy
import threading
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_shell = threading.local()  # each session's script runs in its own thread
APP_SHELL = Path(__file__).resolve().parents[1] / "streamlit_app.py"


@contextlib.contextmanager
def app_shell() -> Iterator[None]:
    """Mark the page run by streamlit_app.py as running inside the app shell."""
    _shell.active = True
    try:
        yield
    finally:
        _shell.active = False


def require_app_shell() -> None:
    """Called first by every page: a page run without the shell runs the shell instead.

    Streamlit treats a folder named pages/ as an old-style multipage app until some session has
    called st.navigation, and runs a page bare in that mode (a deep link as the first request to
    a fresh server; every AppTest run). The shell is then run in this same script run — so a
    click that started the run still counts — and it runs this page inside it.
    """
    if getattr(_shell, "active", False):
        return
    PagesManager.uses_pages_directory = False
    runpy.run_path(str(APP_SHELL), run_name="__main__")
    st.stop()
