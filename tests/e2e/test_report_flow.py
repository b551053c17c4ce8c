"""Browser test of the monthly report: month → load → preview → confirm → publish → index."""

import io
import re
import urllib.request

import pandas as pd
from playwright.sync_api import expect

from tests.browser import click_and_wait, grid, grid_cell, open_app, wait_idle


def test_report_from_month_to_published_index(page, sandbox_app):
    open_app(page, sandbox_app.url, "report")
    expect(page.get_by_text(re.compile(r"31 CSV file\(s\) under 2019_jan"))).to_be_visible()
    click_and_wait(page, "Load 31 file(s)")
    expect(page.get_by_text(re.compile(r"[\d,]+ rows from 31 file\(s\)"))).to_be_visible()

    table = grid(page, "report_table")
    table.scroll_into_view_if_needed()
    expect(grid_cell(table, "Graffiti - Public").first).to_be_attached()
    publish = page.get_by_role("button", name="Publish", exact=True)
    expect(publish).to_be_disabled()
    page.get_by_text(re.compile("I have checked the preview")).click()
    wait_idle(page)
    expect(publish).to_be_enabled()
    click_and_wait(page, "Publish")
    expect(page.get_by_text("Published 4 object(s); 4 open for a stranger.")).to_be_visible(timeout=60_000)

    index_url = page.get_by_role("link", name="Open the index").get_attribute("href")
    page.goto(index_url)
    expect(page.get_by_role("heading", name="Reports in gid-reports")).to_be_visible()
    csv_link = page.get_by_role("link", name="2019/jan/final_report.csv")
    with urllib.request.urlopen(csv_link.get_attribute("href")) as response:
        published = pd.read_csv(io.BytesIO(response.read()))
    assert published.loc[0, "service_name"] == "Pothole"
    page.get_by_role("link", name="2019/jan/final_chart.html").click()
    expect(page.locator(".bk-Canvas, .bk-root, [class*='bk-']").first).to_be_attached(timeout=30_000)
