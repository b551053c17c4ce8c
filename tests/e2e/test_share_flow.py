"""Browser test of sharing: a 1-hour presigned link, then making the object public."""

import datetime as dt
import re

from playwright.sync_api import Page, expect

from core.demo_data import daily_csv
from tests.browser import choose, click_and_wait, open_app, sandbox_endpoint, wait_idle
from tests.helpers import fetch


def code_blocks(page: Page) -> list[str]:
    return page.locator("[data-testid='stCode'] code").all_inner_texts()


def test_presigned_link_then_make_public(page, sandbox_app):
    endpoint = sandbox_endpoint(page, sandbox_app.url)
    key = "2019_jan/gid_requests_2019_01_02.csv"
    public_url = f"{endpoint}/gid-requests/{key}"
    assert fetch(public_url)[0] == 403

    open_app(page, sandbox_app.url, "share")
    choose(page, "Bucket", "gid-requests")
    page.get_by_label("Folder", exact=True).fill("2019_jan/")
    page.keyboard.press("Enter")
    wait_idle(page)
    choose(page, "Object", "gid_requests_2019_01_02.csv")
    expect(page.get_by_text("Not public: an anonymous reader gets HTTP 403.")).to_be_visible()

    click_and_wait(page, "Create download link")
    expect(page.get_by_text(re.compile(r"Valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC"))).to_be_visible()
    link = next(text for text in code_blocks(page) if "X-Amz-Signature=" in text).strip()
    assert "X-Amz-Expires=3600" in link
    assert fetch(link) == (200, daily_csv(dt.date(2019, 1, 2)))

    page.get_by_text(re.compile("public: afterwards anyone on the internet")).click()
    wait_idle(page)
    click_and_wait(page, "Make public")
    expect(page.get_by_text(f"'{key}' is now public.")).to_be_visible()
    expect(page.get_by_text("Anyone with this URL can open it right now.")).to_be_visible()
    assert fetch(public_url) == (200, daily_csv(dt.date(2019, 1, 2)))

    page.get_by_text(re.compile("private: afterwards only people with your credentials")).click()
    wait_idle(page)
    click_and_wait(page, "Make private")
    assert fetch(public_url)[0] == 403
