"""Many browser sessions at once against one running app: browse + monthly report, on a timer.

    python -m tests.load.browser_sessions --url http://127.0.0.1:8501 --pid 1234 --sessions 20 --seconds 60

Each session is its own Chromium context (its own Streamlit session) working on its own month,
so a session that ever shows another month's numbers is cross-talk. Prints one JSON line with
rounds, errors, cross-talk findings and the server's memory over time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from pathlib import Path

from playwright.async_api import async_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

FOLDERS = {1: ("2019_jan/", 31), 2: ("2019_feb/", 28), 3: ("2019_mar/", 31)}
TIMEOUT = 180_000  # ms: 20 sessions share two cores
SETTLE_TIMEOUT = 60_000  # ms for an expected text to appear


def rss_mb(pid: int) -> float:
    """Resident memory of the server process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def idle(page) -> None:
    await page.wait_for_timeout(200)
    app = page.locator("[data-testid='stApp'][data-test-script-state='notRunning']")
    await app.wait_for(timeout=TIMEOUT)


async def shows(locator, timeout: float = SETTLE_TIMEOUT) -> bool:
    """Whether the locator becomes visible in time (a slow server is not cross-talk)."""
    try:
        await locator.first.wait_for(timeout=timeout)
        return True
    except Exception:
        return False


async def session(browser, url: str, number: int, deadline: float, tally: dict) -> None:
    """One analyst: open the report page for their month, load it, check the numbers; repeat."""
    month = number % 3 + 1
    folder, files = FOLDERS[month]
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        while time.monotonic() < deadline:
            await page.goto(f"{url}/report")
            await page.locator("[data-testid='stSidebar'] [data-testid='stAlert']").wait_for(timeout=TIMEOUT)
            await idle(page)
            await page.get_by_role("combobox", name="Month").click()
            await page.get_by_role("option", name=["January", "February", "March"][month - 1], exact=True).click()
            await idle(page)
            caption = page.get_by_text(re.compile(rf"{files} CSV file\(s\) under {folder[:-1]}"))
            if not await shows(caption):
                tally["cross_talk"].append(f"session {number}: the source caption is not {folder}")
            await page.get_by_role("button", name=f"Load {files} file(s)", exact=True).click()
            await idle(page)
            rows = page.get_by_text(re.compile(rf"rows from {files - (month == 3)} file\(s\)"))
            if not await shows(rows):
                tally["cross_talk"].append(f"session {number}: loaded numbers are not those of {folder}")
            tally["errors"] += await page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count()
            tally["rounds"] += 1
    except Exception as exc:  # a stuck or broken session is the finding, not a crash of the run
        tally["errors"] += 1
        tally["cross_talk"].append(f"session {number}: {type(exc).__name__}: {str(exc)[:150]}")
    finally:
        await context.close()


async def run(url: str, pid: int, sessions: int, seconds: float) -> dict:
    tally = {"rounds": 0, "errors": 0, "cross_talk": []}
    memory = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        deadline = time.monotonic() + seconds
        tasks = [asyncio.create_task(session(browser, url, n, deadline, tally)) for n in range(sessions)]
        while not all(task.done() for task in tasks):
            memory.append(rss_mb(pid))
            await asyncio.sleep(1)
        await asyncio.gather(*tasks)
        await browser.close()
    third = max(len(memory) // 3, 1)
    return {
        "sessions": sessions, "seconds": seconds, **tally,
        "server_rss_mb": {"start": round(memory[0]), "peak": round(max(memory)),
                          "first_third_max": round(max(memory[:third])), "last_third_max": round(max(memory[-third:]))},
    }


def main() -> None:
    """Parse arguments, run, print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.pid, args.sessions, args.seconds))))


if __name__ == "__main__":
    main()
