"""Scenario 4: S3 requests each page makes on a rerun that changes nothing (a widget interaction
elsewhere, a browser tab coming back). Streamlit's AppTest drives the real pages against a moto
server; a proxy in front of it counts every HTTP request, whichever client sends it.

    python -m bench.reruns MOTO_PORT   → prints one JSON line per page
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.latency_proxy import LatencyProxy
from bench.servers import KEY, SECRET
from core import connection, demo_data, sandbox
from core.connection import Mode
from ui.adapter import SETTINGS_KEY

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
# page, and the click that makes it do its real work first (the Report page loads January)
PAGES = [("pages/browse.py", None), ("pages/buckets.py", None), ("pages/upload.py", None),
         ("pages/share.py", None), ("pages/report.py", "Load 31 file(s)"), ("pages/connect.py", None)]
STATE = {"browse_bucket": demo_data.REQUESTS_BUCKET, "report_bucket": demo_data.REQUESTS_BUCKET,
         "share_bucket": demo_data.REQUESTS_BUCKET}


def measure(page: str, click: str | None, settings, proxy: LatencyProxy) -> dict:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[SETTINGS_KEY] = settings
    for key, value in STATE.items():
        at.session_state[key] = value
    at.run()  # the start page, then the page under test as on a fresh server
    st.cache_data.clear()
    st.cache_resource.clear()
    before = proxy.requests
    at.switch_page(page).run()
    if click:
        next(b for b in at.button if b.label == click).click().run()
    first = proxy.requests - before
    before = proxy.requests
    at.run()
    return {"page": page, "first_visit_requests": first, "rerun_requests": proxy.requests - before,
            "errors": len(at.exception) + len(at.error)}


def main() -> None:
    proxy = LatencyProxy(int(sys.argv[1]), 0)
    settings = connection.make_settings(Mode.ENDPOINT, endpoint_url=proxy.url, access_key_id=KEY, secret_access_key=SECRET)
    sandbox.seed(connection.make_client(settings))
    for page, click in PAGES:
        print(json.dumps(measure(page, click, settings, proxy)), flush=True)
    proxy.close()


if __name__ == "__main__":
    main()
