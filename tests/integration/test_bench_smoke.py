"""The benchmark harness runs end to end on tiny sizes (so it cannot rot); no timings asserted."""

import subprocess
import sys

from tests.conftest import ROOT


def test_benchmark_smoke_run_writes_every_scenario(tmp_path):
    output = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--smoke", "--output", str(output)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = output.read_text()
    assert "Smoke run" in results
    month = [line for line in results.splitlines() if line.startswith("| 12 files")]
    for server in ("moto", "rclone"):
        for latency in ("0 ms", "20 ms"):
            for method in ("app loader", "seed loop", "awswrangler read_csv", "lower bound", "CPU floor"):
                assert any(f"| {server} | {latency} | {method}" in line for line in month), (server, latency, method)
    loaded_rows = {line.split("|")[-2].strip() for line in month if "lower bound" not in line and "CPU floor" not in line}
    assert loaded_rows == {"240"}  # every method read all 12 × 20 rows
    assert "| 300 | rclone | 20 ms | app: Browse first screen | 1 |" in results
    assert "| aws s3 ls --recursive |" in results and "| bare boto3 paginator |" in results
    for method in ("app", "aws s3 cp", "rclone copy"):
        assert f"| upload 5 files of 10 KB | rclone | 20 ms | {method} |" in results
        assert f"| download 1 file of 4 MB | rclone | 0 ms | {method} |" in results
        assert f"| download 5 files of 10 KB (app: as one .zip) | rclone | 20 ms | {method} |" in results
    reruns = [line for line in results.splitlines() if line.startswith("| pages/")]
    assert len(reruns) == 6 and all(line.endswith("| 0 | 0 |") for line in reruns)


def test_month_timeline_stamps_every_load():
    done = subprocess.run([sys.executable, "-m", "bench.month_timeline", "moto", "3", "20", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    loads = [line for line in done.stdout.splitlines() if line.startswith("total s")]
    assert len(loads) == 2
    assert all("last body in" in line and "stack + convert" in line for line in loads)
