"""Browser tests of connecting: sandbox start-up, env-var start-up, switching, secrets."""

from playwright.sync_api import expect

from core.demo_data import SANDBOX_BUCKETS
from tests.browser import click_and_wait, open_app, sidebar_text


def test_app_starts_on_sandbox_and_test_connection_names_buckets(page, sandbox_app):
    open_app(page, sandbox_app.url)
    assert "Sandbox" in sidebar_text(page)
    click_and_wait(page, "Test connection")
    result = page.locator("[data-testid='stMain']")
    expect(result).to_contain_text("3 bucket(s)")
    for bucket in SANDBOX_BUCKETS:
        expect(result).to_contain_text(bucket)
    page.screenshot(path="/tmp/connect.png", full_page=True)
