"""Run the benchmarks side by side in one run and write bench/RESULTS.md.

    python -m bench.run            # full sizes, ≥5 runs each (minutes)
    python -m bench.run --smoke    # tiny sizes, one run each: proves the harness works (CI)

Scenario 1 (month load) is implemented; listing, transfers and reruns are still to come.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pandas as pd
from botocore.config import Config

from bench.latency_proxy import LatencyProxy
from core import demo_data, report
from core.sandbox import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[1]
BUCKET = "bench-month"
METHODS = ("app", "seed", "fetch_only")


def start_moto() -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_listening(f"http://127.0.0.1:{port}")
    return process, port


def seed(url: str, prefix: str, files: int, rows: int) -> list[bytes]:
    """``files`` CSVs of ``rows`` synthetic requests each under ``prefix``; returns their bodies."""
    client = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1").client(
        "s3", endpoint_url=url, config=Config(s3={"addressing_style": "path"}))
    if BUCKET not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
    day = demo_data.daily_requests(dt.date(2019, 1, 1))
    block = pd.concat([day] * (rows // len(day) + 1), ignore_index=True).head(rows)
    body = block.to_csv(index=False).encode()
    for number in range(files):
        client.put_object(Bucket=BUCKET, Key=f"{prefix}/part_{number:04d}.csv", Body=body)
    return [body] * files


def run_method(method: str, url: str, prefix: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.month_load", method, url, BUCKET, prefix],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_only(bodies: list[bytes]) -> float:
    started = time.perf_counter()
    for body in bodies:
        report.parse_csv(body, ())
    return time.perf_counter() - started


def month_load(url_for_latency: dict[float, str], shapes: list[tuple[str, int, int]], runs: int, moto_url: str) -> list[dict]:
    rows_out = []
    for label, files, rows in shapes:
        prefix = f"{label}"
        bodies = seed(moto_url, prefix, files, rows)
        local_parse = statistics.median(parse_only(bodies) for _ in range(runs))
        for latency, url in url_for_latency.items():
            results = {m: [run_method(m, url, prefix) for _ in range(runs)] for m in METHODS}
            median = {m: statistics.median(r["seconds"] for r in results[m]) for m in METHODS}
            lower = max(median["fetch_only"], local_parse)
            for method in ("app", "seed"):
                rows_out.append({
                    "scenario": f"month load: {files} files × {rows:,} rows", "latency_ms": int(latency * 1000),
                    "method": {"app": "app loader", "seed": "seed loop"}[method],
                    "median_s": round(median[method], 3),
                    "vs_seed": round(median["seed"] / median[method], 2),
                    "vs_lower_bound": round(median[method] / lower, 2),
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in results[method]),
                })
            rows_out.append({"scenario": f"month load: {files} files × {rows:,} rows", "latency_ms": int(latency * 1000),
                             "method": "lower bound max(fetch ∥, parse)", "median_s": round(lower, 3),
                             "vs_seed": round(median["seed"] / lower, 2), "vs_lower_bound": 1.0, "peak_rss_mb": None})
    return rows_out


def markdown(rows: list[dict]) -> str:
    header = "| scenario | latency | method | median s | × faster than seed | × lower bound | peak RSS MB |\n|---|---|---|---|---|---|---|\n"
    return header + "\n".join(
        f"| {r['scenario']} | {r['latency_ms']} ms | {r['method']} | {r['median_s']} | {r['vs_seed']} | "
        f"{r['vs_lower_bound']} | {r['peak_rss_mb'] if r['peak_rss_mb'] is not None else ''} |" for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    shapes = [("daily", 3, 200), ("hourly", 12, 20)] if args.smoke else [("daily", 31, 20_000), ("hourly", 744, 834)]
    runs = 1 if args.smoke else 5
    moto, port = start_moto()
    proxies = []
    try:
        proxy = LatencyProxy(port, args.latency_ms / 1000)
        proxies.append(proxy)
        urls = {0.0: f"http://127.0.0.1:{port}", args.latency_ms / 1000: proxy.url}
        rows = month_load(urls, shapes, runs, f"http://127.0.0.1:{port}")
    finally:
        for proxy in proxies:
            proxy.close()
        moto.terminate()
        moto.wait()
    table = markdown(rows)
    print(table)
    header = (f"# Benchmark results\n\n{'Smoke run (tiny sizes, 1 run each): not a measurement.' if args.smoke else ''}\n\n"
              f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC}\n- machine: {platform.machine()}, "
              f"{platform.processor() or 'cpu'}, Python {platform.python_version()}, pandas {pd.__version__}, "
              f"boto3 {boto3.__version__}\n- runs: median of {runs} per cell; latency injected per request round "
              f"trip: {args.latency_ms:g} ms\n\n")
    Path(args.output).write_text(header + table + "\n")


if __name__ == "__main__":
    main()
