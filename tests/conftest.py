"""Shared fixtures: fake AWS env, moto mocks, real local S3 servers, the running app, Chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 60  # seconds
RCLONE_KEY, RCLONE_SECRET = "rclone-test-key-id", "rclone-test-secret-key"
ARTIFACTS = ROOT / "test-artifacts"

sys.path.insert(0, str(ROOT))

from core.sandbox import free_port, wait_until_listening  # noqa: E402

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing-key-id",
    "AWS_SECRET_ACCESS_KEY": "testing-secret",
    "AWS_SECURITY_TOKEN": "",
    "AWS_SESSION_TOKEN": "",
    "AWS_DEFAULT_REGION": "us-east-1",
}
CLEARED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_TOKEN",
)


def isolated_aws_environ(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """os.environ minus every AWS setting, pointing ~/.aws files at empty temp paths."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",  # no instance role here; skip the 1 s probe
    )
    env.update(overrides)
    return env


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials so no test can ever reach a real AWS account."""
    for name in CLEARED_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in isolated_aws_environ(tmp_path, **FAKE_ENV).items():
        if name.startswith("AWS_") and value:
            monkeypatch.setenv(name, value)


@pytest.fixture
def no_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment where boto3's default chain finds nothing."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")


@pytest.fixture
def s3():
    """A moto ``mock_aws`` S3 client with one seeded bucket."""
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="seeded-bucket")
        client.put_object(Bucket="seeded-bucket", Key="hello.txt", Body=b"hello")
        yield client


def _start(command: list[str], url: str, log_path: Path, env: dict[str, str] | None = None):
    log = open(log_path, "wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True
    )
    try:
        wait_until_listening(url, timeout=SERVER_START_TIMEOUT)
    except Exception:
        _stop(process)
        raise
    return process


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class LocalS3:
    """A real S3 server on loopback, with keys that work on it."""

    url: str
    access_key_id: str
    secret_access_key: str

    def client(self, **config):
        """A plain boto3 client for arranging and checking test data."""
        return boto3.session.Session(
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name="us-east-1",
        ).client(
            "s3",
            endpoint_url=self.url,
            config=Config(s3={"addressing_style": "path"}, **config),
        )


@pytest.fixture(scope="session")
def moto_server_url(tmp_path_factory) -> Iterator[str]:
    """A moto server in its own process (so ``mock_aws`` resets cannot touch it)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    process = _start([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], url, log)
    yield url
    _stop(process)


@pytest.fixture
def moto_server(moto_server_url: str) -> LocalS3:
    """The moto server, emptied before each test."""
    request = urllib.request.Request(f"{moto_server_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    return LocalS3(moto_server_url, "moto-key-id", "moto-secret")


@pytest.fixture(scope="session")
def rclone_server(tmp_path_factory) -> Iterator[LocalS3]:
    """``rclone serve s3`` over a temp dir: a second S3 that checks signatures and expiry."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    root = tmp_path_factory.mktemp("rclone-root")
    log = tmp_path_factory.mktemp("rclone") / "rclone.log"
    command = [
        str(BIN / "rclone"),
        "serve",
        "s3",
        str(root),
        "--addr",
        f"127.0.0.1:{port}",
        "--auth-key",
        f"{RCLONE_KEY},{RCLONE_SECRET}",
        "--config",
        "/dev/null",
    ]
    process = _start(command, url, log)
    yield LocalS3(url, RCLONE_KEY, RCLONE_SECRET)
    _stop(process)


def _streamlit_command(port: int) -> list[str]:
    return [
        str(BIN / "streamlit"),
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
    ]


@dataclass
class RunningApp:
    """A ``streamlit run`` of this app in its own process, and its combined log."""

    url: str
    log_path: Path
    pid: int = 0

    def log(self) -> str:
        """Everything the app printed so far."""
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator:
    """Factory: start the app with the given environment; every app is stopped afterwards."""
    processes: list[subprocess.Popen] = []

    def start(**env_overrides: str) -> RunningApp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = tmp_path / f"streamlit-{port}.log"
        env = isolated_aws_environ(tmp_path, **env_overrides)
        processes.append(_start(_streamlit_command(port), f"{url}/_stcore/health", log_path, env))
        return RunningApp(url, log_path, processes[-1].pid)

    yield start
    for process in processes:
        _stop(process)


@pytest.fixture(scope="session")
def sandbox_app(tmp_path_factory) -> Iterator[RunningApp]:
    """One app on the sandbox shared by the browser tests that only read demo data."""
    tmp_path = tmp_path_factory.mktemp("sandbox-app")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "streamlit.log"
    env = isolated_aws_environ(tmp_path)
    process = _start(_streamlit_command(port), f"{url}/_stcore/health", log_path, env)
    yield RunningApp(url, log_path)
    _stop(process)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page per test; a screenshot is kept when a test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Record each phase's report on the test item so fixtures can see failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture
def slow_down_server():
    """An HTTP server that answers every request with 503 SlowDown; counts the requests."""
    import http.server
    import threading

    body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
            b"<Message>Please reduce your request rate.</Message></Error>")
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _refuse(self):
            hits.append(self.path)
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _refuse

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
