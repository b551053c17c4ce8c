"""Scenario 1: loading a month of daily CSVs: the app's loader, the seed's loop and the parallel
fetch alone (half of the lower bound). Each method runs in its own process so its peak RSS is its own.

    python -m bench.month_load METHOD ENDPOINT BUCKET PREFIX   → prints {"seconds": …, "rows": …, "peak_rss_mb": …, "cpu_s": …}
"""

from __future__ import annotations

import io
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from bench.memory import peak_rss_mb
from bench.servers import KEY, SECRET
from core import connection, report
from core.connection import Mode


def client_for(endpoint: str):
    """The client the app would build for an S3-compatible endpoint."""
    settings = connection.make_settings(Mode.ENDPOINT, endpoint_url=endpoint, access_key_id=KEY, secret_access_key=SECRET)
    return connection.make_client(settings)


def app_loader(client, bucket: str, prefix: str) -> int:
    """What the Monthly report page does: list (paginated), then load concurrently."""
    sources = report.list_sources(client, bucket, prefix)
    return len(report.load_month(client, bucket, sources.files).frame)


def seed_loop(client, bucket: str, prefix: str) -> int:
    """The seed script: one list_objects call, then get + read_csv one by one, then concat."""
    keys = [o["Key"] for o in client.list_objects(Bucket=bucket, Prefix=prefix).get("Contents", [])]
    frames = [pd.read_csv(io.BytesIO(client.get_object(Bucket=bucket, Key=key)["Body"].read())) for key in keys]
    return len(pd.concat(frames))


def fetch_only(client, bucket: str, prefix: str) -> int:
    """Lower bound, part 1: every GET in parallel, nothing parsed."""
    keys = report.list_sources(client, bucket, prefix).files["key"].tolist()
    with ThreadPoolExecutor(report.LOAD_THREADS) as pool:
        sizes = list(pool.map(lambda k: len(client.get_object(Bucket=bucket, Key=k)["Body"].read()), keys))
    return sum(sizes)


METHODS = {"app": app_loader, "seed": seed_loop, "fetch_only": fetch_only}


TINY_CSV = b"a,b\n1,x\n"
# The app is a long-running server: its libraries are loaded and its client has talked to S3
# before anyone loads a month. Every method gets the same head start: one request on its client
# and its parser run once on a two-line CSV, outside the clock.
WARM_UP = {"app": lambda: report.parse_csv(TINY_CSV, ()), "seed": lambda: pd.read_csv(io.BytesIO(TINY_CSV)),
           "fetch_only": lambda: None}


def main() -> None:
    method, endpoint, bucket, prefix = sys.argv[1:5]
    client = client_for(endpoint)
    client.list_buckets()
    WARM_UP[method]()
    started, cpu_before = time.perf_counter(), time.process_time()
    rows = METHODS[method](client, bucket, prefix)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_rss_mb": peak_rss_mb(), "cpu_s": cpu}))


if __name__ == "__main__":
    main()
