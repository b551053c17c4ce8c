"""Helpers for driving the running app in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

IDLE_TIMEOUT = 60_000  # ms: the first run may start and seed the sandbox


def wait_idle(page: Page) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_timeout(200)  # a rerun triggered just now may not have started yet
    app = page.locator("[data-testid='stApp']")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=IDLE_TIMEOUT)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=IDLE_TIMEOUT)


def open_app(page: Page, url: str, path: str = "") -> Page:
    """Open a page of the app and wait until the app shell (its connection badge) has rendered
    and the script is idle; the very first request may start the sandbox first."""
    page.goto(f"{url}/{path}")
    badge = page.locator("[data-testid='stSidebar'] [data-testid='stAlert']")
    expect(badge).to_be_visible(timeout=IDLE_TIMEOUT)
    wait_idle(page)
    return page


def sidebar_text(page: Page) -> str:
    """Everything the sidebar says (the connection badge lives there)."""
    return page.locator("[data-testid='stSidebar']").inner_text()


def click_and_wait(page: Page, name: str) -> None:
    """Click a button by its label and wait for the rerun it causes to finish."""
    page.get_by_role("button", name=name, exact=True).click()
    wait_idle(page)


ROW_HEIGHT = 35  # px of a st.dataframe row (and of its header)


def grid(page: Page, container_key: str):
    """The st.dataframe inside ``st.container(key=container_key)``."""
    return page.locator(f".st-key-{container_key} [data-testid='stDataFrame']")


def grid_cell(table, text: str):
    """A cell of a st.dataframe, read through its accessible gridcell mirror."""
    return table.locator("[role=gridcell]", has_text=text)


def select_row(page: Page, table, text: str) -> None:
    """Tick the row-selection box of the row whose cell shows ``text``; wait for the rerun."""
    cell = grid_cell(table, text).first
    expect(cell).to_have_count(1)
    row = int(cell.locator("xpath=..").get_attribute("aria-rowindex")) - 2
    box = table.locator("canvas").first.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2)
    wait_idle(page)


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def sandbox_endpoint(page: Page, app_url: str) -> str:
    open_app(page, app_url, "connect")
    text = page.locator("[data-testid='stMain']").inner_text()
    return re.search(r"http://127\.0\.0\.1:\d+", text).group(0)
