"""Set up and run S3 Workbench with nothing but Python 3.11+.

    python3 tasks.py run     # install into .venv, start the app (sandbox, or your credentials)
    python3 tasks.py test    # install into .venv (+ Chromium), run every test

Extra arguments are passed on: ``python3 tasks.py test -k connect`` or
``python3 tasks.py run --server.port 8080``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CHROMIUM = Path("/usr/bin/chromium")


def ensure_venv(requirements: str) -> None:
    """Create .venv and install the requirements file, skipping work already done."""
    if sys.version_info < (3, 11):
        sys.exit(f"S3 Workbench needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    files = sorted(ROOT.glob("requirements*.txt"))
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files) + requirements.encode())
    stamp = VENV / f".installed-{digest.hexdigest()[:16]}"
    if stamp.exists():
        return
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-r", str(ROOT / requirements)], check=True)
    stamp.touch()


def ensure_chromium() -> None:
    """Debian's Chromium drives the browser tests; install it with apt when missing."""
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        sys.exit(f"The browser tests need Chromium at {CHROMIUM}; install your system's chromium package.")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, apt, "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, apt, "install", "-y", "-qq", "chromium"], check=True, env=env)


def run(extra: list[str]) -> int:
    """Start the app; it connects with your credentials if any are configured, else the sandbox."""
    ensure_venv("requirements.txt")
    command = [str(BIN / "streamlit"), "run", str(ROOT / "streamlit_app.py")]
    # Loopback by default, which also spares Streamlit's external-IP lookup; see README to host.
    defaults = ["--server.address", "localhost"] if "--server.address" not in extra else []
    return subprocess.call([*command, *defaults, *extra], cwd=ROOT)


def test(extra: list[str]) -> int:
    """Run the unit, integration, page and browser tests."""
    ensure_venv("requirements-dev.txt")
    ensure_chromium()
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *extra], cwd=ROOT)


def main() -> None:
    """Dispatch ``run`` or ``test``."""
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
