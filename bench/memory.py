"""Peak memory of the current process, measured the way that survives being started by another.

``resource.getrusage(...).ru_maxrss`` is no good here: Linux carries the parent's high-water mark
over fork + exec, so every child seemed to peak at the benchmark runner's own size. VmHWM belongs
to the process's current address space only. (Standard library only: the peers' venv runs it too.)
"""

from pathlib import Path


def peak_rss_mb() -> int:
    """This process's peak resident memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0
