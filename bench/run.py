"""Run every benchmark side by side in one run, print markdown tables and write bench/RESULTS.md.

    python -m bench.run            # full sizes, median of 5 runs per cell (about half an hour)
    python -m bench.run --smoke    # tiny sizes, one run each: proves the harness works (CI)

Servers (moto server and ``rclone serve s3``) run as their own processes on loopback, each
reached directly (0 ms) and through a proxy adding a delay per request round trip (20 ms).
Within a scenario, the methods take turns in every round, so drift hits them alike.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pandas as pd
import pyarrow

from bench import peers, servers
from bench.servers import KEY, SECRET, Server
from core import demo_data, report

ROOT = Path(__file__).resolve().parents[1]
MONTH_BUCKET, LIST_BUCKET, TRANSFER_BUCKET = "bench-month", "bench-list", "bench-transfer"


@dataclasses.dataclass(frozen=True)
class Sizes:
    month_shapes: tuple[tuple[str, int, int], ...]  # (prefix, files, rows per file)
    list_keys: tuple[int, ...]  # keys under one prefix; the largest is listed whole fewer times
    big_file_mb: int
    small_files: int
    small_file_kb: int
    runs: int
    big_list_runs: int


FULL = Sizes((("daily", 31, 20_000), ("hourly", 744, 834)), (10_000, 100_000), 1024, 500, 100, 5, 1)
SMOKE = Sizes((("daily", 3, 200), ("hourly", 12, 20)), (300,), 4, 5, 10, 1, 1)


def python_json(args: list[str]) -> dict:
    """Run ``python -m bench.<module> …`` and return its last JSON line."""
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")  # its own footprint is tiny, so %M is the peer's


def timed_command(command: list[str], env: dict) -> dict:
    """Wall time of a peer's command, start-up included (that is what its user waits for), and its
    peak RSS when GNU time is there to report it."""
    wrapped = [GNU_TIME, "-f", "peak_kb=%M cpu_s=%U+%S", *command] if GNU_TIME else command
    started = time.perf_counter()
    done = subprocess.run(wrapped, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{command[:3]} failed: {done.stderr[-2000:]}")
    result = {"seconds": seconds}
    marks = [line for line in done.stderr.splitlines() if line.startswith("peak_kb=")]
    if marks:
        peak_kb, cpu = marks[-1].split()
        result["peak_rss_mb"] = round(int(peak_kb.removeprefix("peak_kb=")) / 1024)
        result["cpu_s"] = sum(float(part) for part in cpu.removeprefix("cpu_s=").split("+"))
    return result


def rounds(methods: dict[str, Callable[[], dict]], runs: int) -> dict[str, list[dict]]:
    """Every method once per round, ``runs`` rounds."""
    results = {name: [] for name in methods}
    for _ in range(runs):
        for name, method in methods.items():
            results[name].append(method())
    return results


def median(results: list[dict], field: str = "seconds") -> float:
    return statistics.median(r[field] for r in results)


def peak(results: list[dict]) -> int | str:
    values = [r["peak_rss_mb"] for r in results if "peak_rss_mb" in r]
    return max(values) if values else ""


# ---- scenario 1: month load -------------------------------------------------------------------

def seed_month(server: Server, prefix: str, files: int, rows: int) -> list[bytes]:
    """``files`` CSVs of ``rows`` synthetic requests under ``prefix``; returns their bodies."""
    server.ensure_bucket(MONTH_BUCKET)
    day = demo_data.daily_requests(dt.date(2019, 1, 1))
    body = pd.concat([day] * (rows // len(day) + 1), ignore_index=True).head(rows).to_csv(index=False).encode()
    client = server.client()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: client.put_object(Bucket=MONTH_BUCKET, Key=f"{prefix}/part_{n:04d}.csv", Body=body),
                      range(files)))
    return [body] * files


def local_parse(bodies: list[bytes]) -> dict:
    """Lower bound, part 2: the app's parser on bodies already in memory, as concurrently as it
    loads. Its CPU time is this process's (nothing else runs in it meanwhile but the idle proxy)."""
    started, cpu_before = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(report.LOAD_THREADS) as pool:
        list(pool.map(lambda body: report.parse_csv(body, ()), bodies))
    return {"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu_before}


def with_server_cpu(server: Server, method: Callable[[], dict]) -> Callable[[], dict]:
    """``method``, its result extended by the CPU time the server spent meanwhile."""
    def measured() -> dict:
        before = server.cpu_seconds()
        result = method()
        return {**result, "server_cpu_s": server.cpu_seconds() - before}
    return measured


def month_load(servers_: list[Server], sizes: Sizes, latencies: list[float]) -> list[dict]:
    rows = []
    for label, files, per_file in sizes.month_shapes:
        for server in servers_:
            bodies = seed_month(server, label, files, per_file)
            parses = [local_parse(bodies) for _ in range(sizes.runs)]
            parse = {"seconds": median(parses), "cpu_s": median(parses, "cpu_s")}
            for latency in latencies:
                rows += _month_rows(server, label, files, per_file, latency, parse, sizes.runs)
    return rows


def _month_rows(server: Server, label: str, files: int, per_file: int, latency: float, parse: dict,
                runs: int) -> list[dict]:
    url = server.url_for(latency)
    methods = {
        name: with_server_cpu(server, lambda name=name: python_json(["bench.month_load", name, url, MONTH_BUCKET, label]))
        for name in ("app", "seed", "fetch_only")
    }
    methods["awswrangler"] = with_server_cpu(server, lambda: _wrangler(url, label))
    results = rounds(methods, runs)
    seconds = {name: median(r) for name, r in results.items()}
    lower = max(seconds["fetch_only"], parse["seconds"])
    shape = {"shape": f"{files} files × {per_file:,} rows", "server": server.name, "latency": f"{latency:g} ms"}
    rows = []
    for name, title in (("app", "app loader"), ("seed", "seed loop"), ("awswrangler", "awswrangler read_csv")):
        client_cpu, server_cpu = median(results[name], "cpu_s"), median(results[name], "server_cpu_s")
        rows.append({**shape, "method": title, "median s": round(seconds[name], 3),
                     "× faster than seed": round(seconds["seed"] / seconds[name], 2),
                     "÷ lower bound": round(seconds[name] / lower, 2), "peak RSS MB": peak(results[name]),
                     "CPU s client + server": f"{client_cpu:.2f} + {server_cpu:.2f}",
                     # 2.0 on two cores: nothing left to overlap, the run is CPU-bound
                     "cores busy": round((client_cpu + server_cpu) / seconds[name], 2),
                     "rows": results[name][0]["rows"]})
    rows.append({**shape, "method": f"lower bound = max(fetch ∥ {seconds['fetch_only']:.3f}, parse {parse['seconds']:.3f})",
                 "median s": round(lower, 3), "× faster than seed": round(seconds["seed"] / lower, 2),
                 "÷ lower bound": 1.0, "peak RSS MB": "", "CPU s client + server": "", "cores busy": "", "rows": ""})
    # The max() above assumes fetching and parsing overlap on idle cores. They share the cores with
    # each other and with the server: the CPU the two parts spend on their own, spread over every
    # core, is a second bound, and the higher of the two is where the app's limit lies.
    fetch_cpu, fetch_server_cpu = median(results["fetch_only"], "cpu_s"), median(results["fetch_only"], "server_cpu_s")
    cores = os.cpu_count() or 1
    floor = (fetch_cpu + parse["cpu_s"] + fetch_server_cpu) / cores
    rows.append({**shape, "method": f"CPU floor = (fetch {fetch_cpu:.2f} + parse {parse['cpu_s']:.2f} + server {fetch_server_cpu:.2f} CPU s) ÷ {cores} cores",
                 "median s": round(floor, 3), "× faster than seed": round(seconds["seed"] / floor, 2),
                 "÷ lower bound": round(floor / lower, 2), "peak RSS MB": "",
                 "CPU s client + server": f"{fetch_cpu + parse['cpu_s']:.2f} + {fetch_server_cpu:.2f}", "cores busy": "", "rows": ""})
    return rows


def _wrangler(url: str, prefix: str) -> dict:
    done = subprocess.run([peers.python(), str(ROOT / "bench" / "wrangler_load.py"), url, KEY, SECRET, MONTH_BUCKET,
                           prefix], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"awswrangler failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- scenario 2: listing ----------------------------------------------------------------------

def seeded_listing_server(sizes: Sizes, latency_ms: float) -> tuple[Server, dict[int, str]]:
    """An rclone server over a folder already holding the keys: written as files, because through
    the API 100 000 PUTs take minutes on either local server (and rclone caches what it listed)."""
    root = Path(tempfile.mkdtemp(prefix="bench-rclone-list-"))
    prefixes = {}
    for keys in sizes.list_keys:
        prefixes[keys] = f"keys{keys}/"
        folder = root / LIST_BUCKET / prefixes[keys]
        folder.mkdir(parents=True)
        for number in range(keys):
            (folder / f"object_{number:06d}.txt").write_bytes(b"x")
    return servers.start_rclone(latency_ms, root), prefixes


def listing(sizes: Sizes, latencies: list[float], latency_ms: float) -> list[dict]:
    rows = []
    aws = peers.aws_command()
    server, prefixes = seeded_listing_server(sizes, latency_ms)
    try:
        for keys, prefix in prefixes.items():
            runs = sizes.big_list_runs if keys == max(sizes.list_keys) and len(sizes.list_keys) > 1 else sizes.runs
            for latency in latencies:
                rows += _listing_rows(server, aws, keys, prefix, latency, runs)
    finally:
        server.stop()
    return rows


def _listing_rows(server: Server, aws: list[str], keys: int, prefix: str, latency: float, runs: int) -> list[dict]:
    url = server.url_for(latency)
    methods = {
        name: (lambda name=name: python_json(["bench.listing", name, url, LIST_BUCKET, prefix]))
        for name in ("first_screen", "whole_listing", "paginator")
    }
    methods["aws s3 ls"] = lambda: _aws_ls(aws, server, latency, prefix)
    results = rounds(methods, runs)
    base = median(results["paginator"])
    return [{"keys": f"{keys:,}", "server": server.name, "latency": f"{latency:g} ms", "method": title,
             "runs": runs, "median s": round(median(results[name]), 3),
             "÷ bare paginator": round(median(results[name]) / base, 2),
             "requests": results[name][0]["requests"], "keys listed": results[name][0]["keys"]}
            for name, title in (("first_screen", "app: Browse first screen"),
                                ("whole_listing", "app: Browse, Load more to the end"),
                                ("paginator", "bare boto3 paginator"), ("aws s3 ls", "aws s3 ls --recursive"))]


def _aws_ls(aws: list[str], server: Server, latency: float, prefix: str) -> dict:
    before = server.proxy.requests
    started = time.perf_counter()
    done = subprocess.run([*aws, "s3", "ls", f"s3://{LIST_BUCKET}/{prefix}", "--recursive"],
                          env=peers.aws_env(server.url_for(latency), KEY, SECRET), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"aws s3 ls failed: {done.stderr[-2000:]}")
    requests = server.proxy.requests - before if latency else "(via proxy only)"
    return {"seconds": seconds, "keys": len(done.stdout.splitlines()), "requests": requests}


# ---- scenario 3: transfers --------------------------------------------------------------------

def transfers(server: Server, sizes: Sizes, latencies: list[float]) -> list[dict]:
    server.ensure_bucket(TRANSFER_BUCKET)
    work = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    rows = []
    try:
        big = work / "big.bin"
        with big.open("wb") as out:
            for _ in range(sizes.big_file_mb):
                out.write(os.urandom(1024 * 1024))
        small = work / "small"
        small.mkdir()
        for number in range(sizes.small_files):
            (small / f"file_{number:04d}.bin").write_bytes(os.urandom(sizes.small_file_kb * 1024))
        aws = peers.aws_command()
        counter = iter(range(1_000_000))
        for latency in latencies:
            url = server.url_for(latency)
            aws_env, rclone_env = peers.aws_env(url, KEY, SECRET), peers.rclone_env(url, KEY, SECRET)
            for what, source, size in ((f"upload 1 file of {sizes.big_file_mb} MB", big, big.stat().st_size),
                                       (f"upload {sizes.small_files} files of {sizes.small_file_kb} KB", small,
                                        sizes.small_files * sizes.small_file_kb * 1024)):
                def dest(tool: str) -> str:
                    return f"{tool}/{next(counter)}"  # a fresh prefix per run: nothing to skip or overwrite
                recursive = ["--recursive"] if source.is_dir() else []
                target = "" if source.is_dir() else source.name
                methods = {
                    "app": lambda: python_json(["bench.transfers", "upload", url, TRANSFER_BUCKET, dest("app"), str(source)]),
                    "aws s3 cp": lambda: timed_command(
                        [*aws, "s3", "cp", str(source), f"s3://{TRANSFER_BUCKET}/{dest('aws')}/{target}", *recursive,
                         "--only-show-errors"], aws_env),
                    "rclone copy": lambda: timed_command(
                        [str(peers.RCLONE), "copy", str(source), f"bench:{TRANSFER_BUCKET}/{dest('rclone')}",
                         "--config", "/dev/null"], rclone_env),
                }
                methods = {name: with_server_cpu(server, method) for name, method in methods.items()}
                rows += _transfer_rows(what, server, latency, size, rounds(methods, sizes.runs))
            key = f"seeded/{big.name}"
            server.client().upload_file(str(big), TRANSFER_BUCKET, key)
            out = work / "out"
            methods = {
                "app": lambda: python_json(["bench.transfers", "download", url, TRANSFER_BUCKET, key, str(emptied(out) / "big.bin")]),
                "aws s3 cp": lambda: timed_command(
                    [*aws, "s3", "cp", f"s3://{TRANSFER_BUCKET}/{key}", str(emptied(out) / "big.bin"), "--only-show-errors"],
                    aws_env),
                "rclone copy": lambda: timed_command(
                    [str(peers.RCLONE), "copy", f"bench:{TRANSFER_BUCKET}/{key}", str(emptied(out)), "--config", "/dev/null"],
                    rclone_env),
            }
            methods = {name: with_server_cpu(server, method) for name, method in methods.items()}
            rows += _transfer_rows(f"download 1 file of {sizes.big_file_mb} MB", server, latency, big.stat().st_size,
                                   rounds(methods, sizes.runs))
            rows += _download_many(server, sizes, latency, small, work, aws, aws_env, rclone_env, url)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def _download_many(server: Server, sizes: Sizes, latency: float, small: Path, work: Path, aws: list[str],
                   aws_env: dict, rclone_env: dict, url: str) -> list[dict]:
    prefix = f"seeded-small-{latency:g}/"
    client = server.client()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda f: client.upload_file(str(f), TRANSFER_BUCKET, prefix + f.name), sorted(small.iterdir())))
    out = work / "out"
    methods = {
        "app": lambda: python_json(["bench.transfers", "zip", url, TRANSFER_BUCKET, prefix, str(emptied(out) / "all.zip")]),
        "aws s3 cp": lambda: timed_command([*aws, "s3", "cp", f"s3://{TRANSFER_BUCKET}/{prefix}", str(emptied(out)),
                                            "--recursive", "--only-show-errors"], aws_env),
        "rclone copy": lambda: timed_command([str(peers.RCLONE), "copy", f"bench:{TRANSFER_BUCKET}/{prefix}", str(emptied(out)),
                                              "--config", "/dev/null"], rclone_env),
    }
    methods = {name: with_server_cpu(server, method) for name, method in methods.items()}
    what = f"download {sizes.small_files} files of {sizes.small_file_kb} KB (app: as one .zip)"
    return _transfer_rows(what, server, latency, sizes.small_files * sizes.small_file_kb * 1024, rounds(methods, sizes.runs))


def emptied(folder: Path) -> Path:
    """``folder``, created anew: every download run starts from nothing on disk."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def _transfer_rows(what: str, server: Server, latency: float, size: int, results: dict[str, list[dict]]) -> list[dict]:
    seconds = {name: median(r) for name, r in results.items()}
    best_peer = min(v for name, v in seconds.items() if name != "app")
    rows = []
    for name, value in seconds.items():
        has_cpu = all("cpu_s" in r for r in results[name])
        client_cpu = median(results[name], "cpu_s") if has_cpu else None
        server_cpu = median(results[name], "server_cpu_s")
        rows.append({"transfer": what, "server": server.name, "latency": f"{latency:g} ms", "method": name,
                     "median s": round(value, 3), "MB/s": round(size / value / 1e6, 1),
                     "× best peer's throughput": round(best_peer / value, 2), "peak RSS MB": peak(results[name]),
                     "CPU s client + server": f"{client_cpu:.2f} + {server_cpu:.2f}" if has_cpu else "",
                     "cores busy": round((client_cpu + server_cpu) / value, 2) if has_cpu else ""})
    return rows


# ---- scenario 4: reruns -----------------------------------------------------------------------

def reruns(server: Server) -> list[dict]:
    port = server.url.rsplit(":", 1)[1]
    done = subprocess.run([sys.executable, "-m", "bench.reruns", port], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"reruns failed: {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


# ---- output -----------------------------------------------------------------------------------

def markdown(rows: list[dict]) -> str:
    if not rows:
        return "(no rows)\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def startup_seconds() -> dict[str, float]:
    """How long each peer CLI takes to do nothing: part of every peer time in scenario 3."""
    env = peers.aws_env("http://127.0.0.1:9", KEY, SECRET)
    return {"aws --version": round(statistics.median(timed_command([*peers.aws_command(), "--version"], env)["seconds"]
                                                   for _ in range(3)), 3),
            "rclone version": round(statistics.median(timed_command([str(peers.RCLONE), "version"], env)["seconds"]
                                                    for _ in range(3)), 3)}


def machine() -> str:
    peers_versions = subprocess.run([peers.python(), "-c", "import awswrangler, botocore; from awscli import __version__ as a;"
                                     "print(f'awswrangler {awswrangler.__version__}, awscli {a}, botocore {botocore.__version__}')"],
                                    capture_output=True, text=True).stdout.strip()
    rclone = subprocess.run([str(peers.RCLONE), "version"], capture_output=True, text=True).stdout.splitlines()[0]
    return (f"{platform.machine()}, {os.cpu_count()} CPUs, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB RAM, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, pandas {pd.__version__}, "
            f"pyarrow {pyarrow.__version__}, boto3 {boto3.__version__}; peers: {peers_versions}, {rclone}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run each")
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--only", nargs="*", choices=["month", "listing", "transfers", "reruns"],
                        default=["month", "listing", "transfers", "reruns"])
    parser.add_argument("--runs", type=int, help="runs per cell instead of 5 (or 1 with --smoke)")
    parser.add_argument("--big-file-mb", type=int, help="size of the one-file transfer instead of 1024 MB")
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else FULL
    sizes = dataclasses.replace(sizes, runs=args.runs or sizes.runs, big_file_mb=args.big_file_mb or sizes.big_file_mb)
    latencies = [0.0, args.latency_ms]
    peers.ensure_venv()
    started = time.perf_counter()
    moto, rclone = servers.start_moto(args.latency_ms), servers.start_rclone(args.latency_ms)
    sections = []
    try:
        if "month" in args.only:
            sections.append(("1. Month load", month_load([moto, rclone], sizes, latencies)))
        if "listing" in args.only:
            sections.append(("2. Listing one prefix", listing(sizes, latencies, args.latency_ms)))
        if "transfers" in args.only:
            sections.append(("3. Transfers", transfers(rclone, sizes, latencies)))
        if "reruns" in args.only:
            sections.append(("4. Reruns that change nothing", reruns(moto)))
    finally:
        moto.stop()
        rclone.stop()
    body = "".join(f"## {title}\n\n{markdown(rows)}\n" for title, rows in sections)
    print(body)
    header = (f"# Benchmark results\n\n{'**Smoke run** (tiny sizes, 1 run each): proves the harness, measures nothing.' if args.smoke else ''}\n\n"
              f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC}; whole run {time.perf_counter() - started:.0f} s\n"
              f"- machine: {machine()}\n"
              f"- runs: median of {sizes.runs} per cell unless a row says otherwise; methods take turns in each round\n"
              f"- latency: 0 ms = straight to the server on loopback; {args.latency_ms:g} ms = through bench/latency_proxy.py, "
              f"which delays the start of every request by that much\n"
              f"- peer CLI start-up, included in their times: {startup_seconds()}\n\n")
    Path(args.output).write_text(header + body)


if __name__ == "__main__":
    main()
