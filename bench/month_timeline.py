"""Where a month load's time goes: the app's loader run several times in one process (as the
app's server does), every GET and parse stamped. The latency proxy runs in its own process so
it does not share this one's interpreter lock.

    python -m bench.month_timeline [moto|rclone] [FILES] [ROWS] [LOADS]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time

from bench import month_load, servers
from bench.run import MONTH_BUCKET, seed_month
from core import report

PROXY = """
import sys, time
from bench.latency_proxy import LatencyProxy
proxy = LatencyProxy(int(sys.argv[1]), float(sys.argv[2]))
print(proxy.port, flush=True)
time.sleep(86400)
"""


def stamped_loads(url: str, prefix: str, loads: int) -> list[dict]:
    """Load the month ``loads`` times on one client; per load: when the listing, the first and
    the last body were in, and how long the rest took."""
    client = month_load.client_for(url)
    client.list_buckets()
    report.parse_csv(month_load.TINY_CSV, ())
    first_get, bodies, parses_done = [], [], []
    lock = threading.Lock()
    client.meta.events.register("before-send.s3.GetObject", lambda **kw: first_get.append(time.perf_counter()))
    real_parse = report._parse_table

    def parse(body, required):
        arrived = time.perf_counter()
        try:
            return real_parse(body, required)
        finally:
            with lock:
                bodies.append(arrived)
                parses_done.append(time.perf_counter())

    report._parse_table = parse
    timelines = []
    try:
        for _ in range(loads):
            for stamps in (first_get, bodies, parses_done):
                stamps.clear()
            cpu_before, started = time.process_time(), time.perf_counter()
            month_load.app_loader(client, MONTH_BUCKET, prefix)
            total = time.perf_counter() - started
            last_body = max(bodies) - started
            timelines.append({"total s": total, "CPU s": time.process_time() - cpu_before,
                              "listing back": min(first_get) - started, "first body in": min(bodies) - started,
                              "last body in": last_body, "after the last body": total - last_body,
                              "stack + convert": total - (max(parses_done) - started)})
    finally:
        report._parse_table = real_parse
    return timelines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("server", nargs="?", choices=["moto", "rclone"], default="moto")
    parser.add_argument("files", nargs="?", type=int, default=31)
    parser.add_argument("rows", nargs="?", type=int, default=20_000)
    parser.add_argument("loads", nargs="?", type=int, default=5)
    args = parser.parse_args()
    name, files, rows, loads = args.server, args.files, args.rows, args.loads
    server = (servers.start_moto if name == "moto" else servers.start_rclone)(0)
    proxy = subprocess.Popen([sys.executable, "-c", PROXY, server.url.rsplit(":", 1)[1], "0.02"],
                             stdout=subprocess.PIPE, text=True)
    try:
        seed_month(server, "timeline", files, rows)
        url = f"http://127.0.0.1:{proxy.stdout.readline().strip()}"
        print(f"{files} files × {rows} rows, {name}, 20 ms, {loads} loads in one process (seconds)")
        for timeline in stamped_loads(url, "timeline", loads):
            print(" | ".join(f"{field} {value:.3f}" for field, value in timeline.items()))
    finally:
        proxy.kill()
        server.stop()


if __name__ == "__main__":
    main()
