"""Hostile names and data in the running app: nothing runs, nothing breaks, limits hold."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import (
    click_and_wait,
    grid,
    grid_cell,
    open_app,
    select_row,
    wait_idle,
)

HOSTILE_NAMES = [
    '"><img src=x onerror=alert(1)>.csv',
    "<svg onload=alert(2)>.csv",
    "[click me](javascript:alert(3)).csv",
]
HOSTILE_CSV = (
    "service_name,status,case_age_days,requested_datetime\n"
    '"<script>alert(4)</script>",Closed,1,2019-01-01T00:00:00\n'
    '"\\"><img src=x onerror=alert(5)>",New,2,2019-01-01T01:00:00\n'
    '"[x](javascript:alert(6))",New,3,2019-01-02T01:00:00\n'
).encode()


@pytest.fixture
def hostile_app(start_app, moto_server):
    client = moto_server.client()
    client.create_bucket(Bucket="hostile")
    for name in HOSTILE_NAMES:
        client.put_object(Bucket="hostile", Key=f"in/{name}", Body=HOSTILE_CSV, ContentType="text/csv")
    client.put_object(Bucket="hostile", Key="2019_jan/day.csv", Body=HOSTILE_CSV)
    client.create_bucket(Bucket="published")
    return start_app(AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s", AWS_ENDPOINT_URL_S3=moto_server.url)


def assert_nothing_ran(page, dialogs):
    assert dialogs == [], f"script ran: {dialogs}"
    assert page.locator("main img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


def test_hostile_keys_and_values_stay_text(page, hostile_app):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_app(page, hostile_app.url)
    select_row(page, grid(page, "listing"), "2019_jan/")
    click_and_wait(page, "Up")
    select_row(page, grid(page, "listing"), "in/")
    for name in HOSTILE_NAMES:
        expect(grid_cell(grid(page, "listing"), name)).to_have_count(1)
    select_row(page, grid(page, "listing"), HOSTILE_NAMES[0])
    expect(page.get_by_role("heading", name=HOSTILE_NAMES[0])).to_be_visible()
    select_row(page, grid(page, "listing"), HOSTILE_NAMES[0])  # unselect
    select_row(page, grid(page, "listing"), HOSTILE_NAMES[2])
    expect(page.get_by_role("heading", name=HOSTILE_NAMES[2])).to_be_visible()
    assert_nothing_ran(page, dialogs)

    open_app(page, hostile_app.url, "report")
    page.get_by_role("combobox", name="Source bucket").click()
    page.get_by_role("option", name="hostile", exact=True).click()
    wait_idle(page)
    click_and_wait(page, "Load 1 file(s)")
    expect(grid_cell(grid(page, "report_table"), "<script>alert(4)</script>").first).to_be_attached()
    page.get_by_role("tab", name="HTML table as published").click()
    page.wait_for_timeout(1000)
    page.get_by_text(re.compile("I have checked the preview")).click()
    wait_idle(page)
    click_and_wait(page, "Publish")
    expect(page.get_by_text(re.compile(r"Published 4 object\(s\)"))).to_be_visible(timeout=60_000)
    assert_nothing_ran(page, dialogs)


def test_upload_over_the_size_limit_is_refused(page, start_app, tmp_path):
    app = start_app(STREAMLIT_SERVER_MAX_UPLOAD_SIZE="1")
    big = tmp_path / "big.csv"
    big.write_bytes(b"a\n" * (600 * 1024))  # 1.2 MB
    open_app(page, app.url, "upload")
    expect(page.get_by_text("Up to 1 MB per file")).to_be_visible()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(big))
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"File must be 1(\.0)? ?MB or smaller"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Upload"))).to_have_count(0)
