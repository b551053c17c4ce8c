"""The embedded sandbox, started in a child process (moto's in-process state is global, and
the unit tests' ``mock_aws`` resets it)."""

import json
import subprocess
import sys
from pathlib import Path

from core.demo_data import SANDBOX_BUCKETS

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, urllib.request, urllib.error
from core.sandbox import start_sandbox
from core.connection import make_client

first = start_sandbox()
again = start_sandbox()
client = make_client(first)
def status(key):
    try:
        return urllib.request.urlopen(f"{first.endpoint_url}/gid-staging/{key}").status
    except urllib.error.HTTPError as err:
        return err.code
pages = client.get_paginator("list_objects_v2").paginate(Bucket="gid-requests")
keys = [obj["Key"] for page in pages for obj in page.get("Contents", [])]
print(json.dumps({
    "same": first is again,
    "host": first.endpoint_url.split("//")[1].split(":")[0],
    "buckets": [b["Name"] for b in client.list_buckets()["Buckets"]],
    "keys": keys,
    "january": client.list_objects_v2(Bucket="gid-requests", Prefix="2019_jan")["KeyCount"],
    "public": status("2019/potholes.csv"),
    "private": status("2019/potholes_private.csv"),
    "reports": client.list_objects_v2(Bucket="gid-reports")["KeyCount"],
}))
"""


def test_sandbox_starts_once_on_loopback_and_is_seeded():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["same"]
    assert result["host"] == "127.0.0.1"
    assert sorted(result["buckets"]) == sorted(SANDBOX_BUCKETS)
    assert len(result["keys"]) == 90
    assert result["keys"][0] == "2019_feb/gid_requests_2019_02_01.csv"
    assert result["january"] == 31
    assert (result["public"], result["private"]) == (200, 403)
    assert result["reports"] == 0


RESTART_PROBE = r"""
import json
from streamlit.testing.v1 import AppTest
from core import sandbox

at = AppTest.from_file("streamlit_app.py", default_timeout=60).run()
at.switch_page("pages/browse.py").run()
before = [c.value for c in at.caption]
sandbox.stop_sandbox()
at.text_input[0].input("2019_j").run()
errors = [e.value for e in at.error]
restart = [b for b in at.button if b.label.startswith("Restart the sandbox")]
restart[0].click().run()
at.text_input[0].input("2019_").run()
print(json.dumps({"before": before, "errors": errors, "after": [c.value for c in at.caption],
                  "after_errors": [e.value for e in at.error], "exception": [str(e) for e in at.exception]}))
"""


def test_stopped_sandbox_is_explained_and_restarts(tmp_path):
    from tests.conftest import isolated_aws_environ

    done = subprocess.run([sys.executable, "-c", RESTART_PROBE], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env=isolated_aws_environ(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert any("3 folder(s)" in c for c in result["before"])
    assert len(result["errors"]) == 1 and "could not be reached" in result["errors"][0]
    assert result["after_errors"] == [] and result["exception"] == []
    assert any("3 folder(s) and 0 object(s)" in c for c in result["after"])
