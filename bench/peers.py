"""The peer tools, each as the command a user would run: awscli and awswrangler in their own
virtual environment (their pins clash with the app's), rclone from the app's dev requirements."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "bench" / "requirements-peers.txt"
VENV = ROOT / ".bench-peers"
RCLONE = Path(sys.executable).parent / "rclone"


def ensure_venv() -> Path:
    """The peers' venv, created or updated when bench/requirements-peers.txt changed."""
    stamp = VENV / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not (stamp.exists() and stamp.read_text() == wanted):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(wanted)
    return VENV


def python() -> str:
    return str(ensure_venv() / "bin" / "python")


def aws_command() -> list[str]:
    return [str(ensure_venv() / "bin" / "aws")]


def aws_env(url: str, key: str, secret: str) -> dict[str, str]:
    """awscli pointed at one endpoint with one key pair, nothing from ~/.aws."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="us-east-1",
               AWS_ENDPOINT_URL=url, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    return env


def rclone_env(url: str, key: str, secret: str) -> dict[str, str]:
    """A remote named ``bench:`` for ``rclone copy``, defined by environment only."""
    env = dict(os.environ)
    env.update(RCLONE_CONFIG_BENCH_TYPE="s3", RCLONE_CONFIG_BENCH_PROVIDER="Other", RCLONE_CONFIG_BENCH_ENDPOINT=url,
               RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=key, RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=secret,
               RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE="true", RCLONE_CONFIG="/dev/null")
    return env
