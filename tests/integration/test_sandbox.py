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
