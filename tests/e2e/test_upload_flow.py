"""Browser test of uploading: a public CSV and a private PNG, overwrite protection, browse."""


from playwright.sync_api import Page, expect

from tests.browser import (
    choose,
    click_and_wait,
    grid,
    grid_cell,
    open_app,
    sandbox_endpoint,
    select_row,
    wait_idle,
)
from tests.helpers import fetch

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f6d6"
    "a10000000049454e44ae426082"
)


def start_upload(page: Page, app_url: str, path, visibility: str) -> None:
    open_app(page, app_url, "upload")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    wait_idle(page)
    choose(page, "Destination bucket", "gid-staging")
    page.get_by_label("Folder").fill("uploads/")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_text(visibility, exact=True).click()
    wait_idle(page)


def test_upload_public_csv_and_private_png_then_browse(page, sandbox_app, tmp_path):
    csv_file = tmp_path / "city counts.csv"
    csv_file.write_text("city,count\nParis,3\nOslo,4\n")
    png_file = tmp_path / "dot.png"
    png_file.write_bytes(PNG)

    start_upload(page, sandbox_app.url, csv_file, "Public-read")
    expect(grid_cell(page.locator("[data-testid='stDataFrame']").first, "uploads/city counts.csv")).to_have_count(1)
    click_and_wait(page, "Upload 1 file(s)")
    expect(page.get_by_text("Uploaded 1 of 1 file(s).")).to_be_visible()
    expect(grid_cell(grid(page, "upload_results"), "uploads/city counts.csv")).to_have_count(1)

    start_upload(page, sandbox_app.url, png_file, "Private")
    click_and_wait(page, "Upload 1 file(s)")
    expect(page.get_by_text("Uploaded 1 of 1 file(s).")).to_be_visible()

    start_upload(page, sandbox_app.url, csv_file, "Public-read")
    expect(page.get_by_text("1 key(s) already exist and would be replaced")).to_be_visible()
    upload = page.get_by_role("button", name="Upload 1 file(s)")
    expect(upload).to_be_disabled()
    page.get_by_text("Overwrite them").click()
    wait_idle(page)
    expect(upload).to_be_enabled()
    click_and_wait(page, "Upload 1 file(s)")
    expect(page.get_by_text("Uploaded 1 of 1 file(s).")).to_be_visible()

    open_app(page, sandbox_app.url)
    choose(page, "Bucket", "gid-staging")
    select_row(page, grid(page, "listing"), "uploads/")
    expect(grid_cell(grid(page, "listing"), "city counts.csv")).to_have_count(1)
    expect(grid_cell(grid(page, "listing"), "dot.png")).to_have_count(1)
    select_row(page, grid(page, "listing"), "dot.png")
    expect(page.locator(".st-key-preview img")).to_have_count(1)

    endpoint = sandbox_endpoint(page, sandbox_app.url)
    assert fetch(f"{endpoint}/gid-staging/uploads/city%20counts.csv")[0] == 200
    assert fetch(f"{endpoint}/gid-staging/uploads/dot.png")[0] == 403
