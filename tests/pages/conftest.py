"""AppTest helpers shared by the page tests."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every AppTest starts like a new server process: nothing cached from another test."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def open_page(page: str, **session_state) -> AppTest:
    """Run the app once, then switch to ``page`` with the given session state."""
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in session_state.items():
        at.session_state[key] = value
    at.run()
    return at.switch_page(page).run()


def page_text(at: AppTest) -> str:
    """All the text the page and sidebar show."""
    parts = []
    for kind in ("markdown", "caption", "success", "info", "error", "warning", "title", "text", "subheader", "code"):
        for block in (at, at.sidebar):
            parts += [str(element.value) for element in getattr(block, kind)]
    return plain("\n".join(parts))


def button(at: AppTest, label: str):
    """The button with this label."""
    return next(b for b in at.button if b.label == label)


class RequestCounter:
    """Counts S3 API calls made through one client, by operation name."""

    def __init__(self, client):
        self.calls: list[str] = []
        client.meta.events.register("before-call.s3", self._count)

    def _count(self, model, **kwargs):
        self.calls.append(model.name)

    def take(self) -> list[str]:
        """The calls since the last take."""
        taken, self.calls = self.calls, []
        return taken


def plain(markdown: str) -> str:
    """Text as the user reads it: the app escapes names it shows through markdown."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown)
