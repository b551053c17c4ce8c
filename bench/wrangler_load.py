"""Scenario 1, peer: awswrangler's ``s3.read_csv(prefix, use_threads=True)``. Runs in the peers'
venv (bench/peers.py), so it imports nothing from the app.

    <peers>/bin/python bench/wrangler_load.py ENDPOINT KEY SECRET BUCKET PREFIX
"""

import io
import json
import sys
import time

import awswrangler as wr
import boto3
import pandas as pd
from memory import peak_rss_mb  # bench/memory.py: this script's folder is on sys.path


def main() -> None:
    endpoint, key, secret, bucket, prefix = sys.argv[1:6]
    wr.config.s3_endpoint_url = endpoint
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1")
    # the same head start as the other methods (bench/month_load.py): one request, one tiny parse
    session.client("s3", endpoint_url=endpoint).list_buckets()
    pd.read_csv(io.BytesIO(b"a,b\n1,x\n"))
    started, cpu_before = time.perf_counter(), time.process_time()
    frame = wr.s3.read_csv(f"s3://{bucket}/{prefix}", path_suffix=".csv", use_threads=True, boto3_session=session)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": len(frame), "peak_rss_mb": peak_rss_mb(),
                      "cpu_s": time.process_time() - cpu_before}))


if __name__ == "__main__":
    main()
