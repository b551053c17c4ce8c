"""The benchmark harness runs end to end on tiny sizes (so it cannot rot); no timings asserted."""

import subprocess
import sys

from tests.conftest import ROOT


def test_benchmark_smoke_run_writes_its_table(tmp_path):
    output = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--smoke", "--output", str(output)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    table = output.read_text()
    assert "Smoke run" in table
    for cell in ("| 0 ms | app loader |", "| 20 ms | app loader |", "| 20 ms | seed loop |", "lower bound"):
        assert cell in table
    assert table.count("month load: 12 files") == 6
