"""Browser tests of browsing: open a folder and a CSV, preview, download, delete; buckets."""

import datetime as dt
import re
import urllib.request
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from core.demo_data import daily_csv
from tests.browser import (
    click_and_wait,
    grid,
    grid_cell,
    open_app,
    select_row,
    wait_idle,
)


def test_open_folder_preview_and_download_a_csv(page, sandbox_app):
    open_app(page, sandbox_app.url)
    expect(page.get_by_role("combobox", name="Bucket")).to_have_value("gid-requests")
    select_row(page, grid(page, "listing"), "2019_jan/")
    expect(page.get_by_role("button", name="2019_jan /")).to_be_visible()
    expect(page.get_by_text("0 folder(s) and 31 object(s) shown. That is everything here.")).to_be_visible()

    select_row(page, grid(page, "listing"), "gid_requests_2019_01_01.csv")
    expect(page.get_by_role("heading", name="gid_requests_2019_01_01.csv")).to_be_visible()
    preview = grid(page, "preview")
    preview.scroll_into_view_if_needed()
    expect(preview.locator("[role=columnheader]", has_text="service_name")).to_have_count(1)
    expect(grid_cell(preview, "2500000")).to_have_count(1)
    expect(page.get_by_text("first 100 rows")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download", exact=True).click()
    assert Path(download.value.path()).read_bytes() == daily_csv(dt.date(2019, 1, 1))
    assert download.value.suggested_filename == "gid_requests_2019_01_01.csv"

    page.get_by_role("button", name="Up").click()
    wait_idle(page)
    expect(grid_cell(grid(page, "listing"), "2019_feb/")).to_have_count(1)


def test_download_selected_objects_as_one_zip(page, sandbox_app):
    open_app(page, sandbox_app.url)
    select_row(page, grid(page, "listing"), "2019_jan/")
    for day in (1, 2):
        select_row(page, grid(page, "listing"), f"gid_requests_2019_01_0{day}.csv")
    click_and_wait(page, re.compile(r"^Prepare a \.zip of 2 objects"))
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Download 2 objects as \.zip")).click()
    assert download.value.suggested_filename == "2019_jan.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == ["gid_requests_2019_01_01.csv", "gid_requests_2019_01_02.csv"]
        assert archive.read("gid_requests_2019_01_02.csv") == daily_csv(dt.date(2019, 1, 2))


def test_delete_selected_objects_after_confirmation(page, sandbox_app):
    open_app(page, sandbox_app.url)
    page.get_by_label("Bucket").click()  # st.selectbox: open, then pick
    page.get_by_role("option", name="gid-staging").click()
    wait_idle(page)
    select_row(page, grid(page, "listing"), "2019/")
    select_row(page, grid(page, "listing"), "potholes_private.csv")
    page.get_by_text("Delete 1 selected object(s)").click()
    expect(page.get_by_text("2019/potholes_private.csv").last).to_be_visible()
    click_and_wait(page, "Delete 1 object(s)")
    expect(page.get_by_text("Deleted 1 object(s); 0 failed.")).to_be_visible()
    expect(grid_cell(grid(page, "listing"), "potholes_private.csv")).to_have_count(0)
    expect(grid_cell(grid(page, "listing"), "potholes.csv")).to_have_count(1)


def test_create_a_bucket_then_delete_it_by_typing_its_name(page, sandbox_app):
    open_app(page, sandbox_app.url, "buckets")
    page.get_by_label("Name").fill("Bad_Name")
    click_and_wait(page, "Create bucket")
    expect(page.get_by_text("Only lowercase letters, digits, dots and hyphens")).to_be_visible()

    page.get_by_label("Name").fill("browser-made-bucket")
    click_and_wait(page, "Create bucket")
    expect(page.get_by_text("Created bucket 'browser-made-bucket'")).to_be_visible()
    expect(grid_cell(grid(page, "bucket_table"), "browser-made-bucket")).to_have_count(1)

    page.get_by_label("Bucket to delete").click()
    page.get_by_role("option", name="browser-made-bucket").click()
    wait_idle(page)
    delete = page.get_by_role("button", name="Delete bucket")
    expect(delete).to_be_disabled()
    page.get_by_label(re.compile("^Type .*browser-made-bucket.* to confirm")).fill("browser-made-bucket")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(delete).to_be_enabled()
    click_and_wait(page, "Delete bucket")
    expect(page.get_by_text("Deleted bucket 'browser-made-bucket'.")).to_be_visible()
    expect(grid_cell(grid(page, "bucket_table"), "browser-made-bucket")).to_have_count(0)


def test_objects_over_the_download_limit_get_a_presigned_link(page, start_app):
    app = start_app(S3WB_DOWNLOAD_LIMIT_MB="0.05")
    open_app(page, app.url)
    select_row(page, grid(page, "listing"), "2019_jan/")
    select_row(page, grid(page, "listing"), "gid_requests_2019_01_01.csv")
    link = page.get_by_role("link", name="Download (link valid 1 hour)")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert "X-Amz-Signature=" in href and "X-Amz-Expires=3600" in href
    with urllib.request.urlopen(href) as response:
        assert response.read() == daily_csv(dt.date(2019, 1, 1))
    expect(page.get_by_role("button", name="Download", exact=True)).to_have_count(0)
