"""The S3 servers a benchmark runs against: moto server and ``rclone serve s3``, each its own
process on loopback, each also reachable through a latency-injecting proxy."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3
from botocore.config import Config

from bench.latency_proxy import LatencyProxy
from core.sandbox import free_port, wait_until_listening

BIN = Path(sys.executable).parent
KEY, SECRET = "bench-key-id", "bench-secret-key"


@dataclasses.dataclass
class Server:
    """One running S3 server; ``url`` answers at loopback speed, ``slow_url`` after the proxy's delay."""

    name: str
    url: str
    slow_url: str
    process: subprocess.Popen
    proxy: LatencyProxy
    root: Path | None = None  # rclone's directory: a bucket is a folder in it

    def url_for(self, latency_ms: float) -> str:
        """The loopback URL for 0 ms, the proxy's otherwise."""
        return self.url if latency_ms == 0 else self.slow_url

    def client(self, latency_ms: float = 0):
        """A plain boto3 client, for seeding and checks."""
        return boto3.session.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1").client(
            "s3", endpoint_url=self.url_for(latency_ms),
            config=Config(s3={"addressing_style": "path"}, max_pool_connections=32))

    def ensure_bucket(self, bucket: str) -> None:
        """Create ``bucket`` unless it exists."""
        client = self.client()
        if bucket not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
            client.create_bucket(Bucket=bucket)

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop the proxy and the server, remove rclone's directory."""
        self.proxy.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)


def _start(name: str, command: list[str], port: int, latency_ms: float, root: Path | None = None) -> Server:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_listening(url)
    proxy = LatencyProxy(port, latency_ms / 1000)
    return Server(name, url, proxy.url, process, proxy, root)


def start_moto(latency_ms: float) -> Server:
    """moto server (Python, in memory): what the sandbox and the tests use."""
    port = free_port()
    return _start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], port, latency_ms)


def start_rclone(latency_ms: float, root: Path | None = None) -> Server:
    """``rclone serve s3`` over ``root`` or a new temp directory (Go, on disk): a server fast
    enough not to be the ceiling. Files put into ``root`` before it starts are objects."""
    port = free_port()
    root = root or Path(tempfile.mkdtemp(prefix="bench-rclone-"))
    command = [str(BIN / "rclone"), "serve", "s3", str(root), "--addr", f"127.0.0.1:{port}",
               "--auth-key", f"{KEY},{SECRET}", "--config", "/dev/null"]
    return _start("rclone", command, port, latency_ms, root)
