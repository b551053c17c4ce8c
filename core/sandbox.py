"""The embedded local S3: a moto server on 127.0.0.1, started once per process and seeded.

It lives in memory, is shared by every user of this app process, and is gone on restart.
"""

from __future__ import annotations

import concurrent.futures
import logging
import socket
import threading
import time
import urllib.request

from core.connection import ConnectionSettings, make_client, sandbox_settings
from core.demo_data import SANDBOX_BUCKETS, demo_objects
from core.errors import EndpointError, s3_errors

HOST = "127.0.0.1"
START_TIMEOUT = 20  # seconds for the server to answer its first request
SEED_THREADS = 8  # parallel uploads while seeding

_lock = threading.Lock()
_settings: ConnectionSettings | None = None
_server = None  # keeps the moto server thread alive for the life of the process


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_listening(url: str, timeout: float = START_TIMEOUT) -> None:
    """Poll an HTTP server until it answers anything at all; raise EndpointError if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # an HTTP error status is still an answer
        except OSError:
            time.sleep(0.05)
    raise EndpointError(f"The local S3 server at {url} did not start within {timeout:.0f} s.")


def seed(client) -> None:
    """Create the demo buckets and upload the demo objects (idempotent)."""
    with s3_errors("seed the sandbox"):
        existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
        for bucket in SANDBOX_BUCKETS:
            if bucket not in existing:
                client.create_bucket(Bucket=bucket)

        def put(obj) -> None:
            client.put_object(
                Bucket=obj.bucket,
                Key=obj.key,
                Body=obj.body,
                ContentType=obj.content_type,
                ACL="public-read" if obj.public else "private",
            )

        with concurrent.futures.ThreadPoolExecutor(SEED_THREADS) as pool:
            list(pool.map(put, demo_objects()))


def is_answering(url: str) -> bool:
    """True when an HTTP server answers at ``url`` right now."""
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        pass  # an HTTP error status is still an answer
    except OSError:
        return False
    return True


def start_sandbox() -> ConnectionSettings:
    """The running sandbox; started and seeded on first use, and again if it has stopped
    (its data is then the fresh demo data: it lived in memory)."""
    global _settings, _server
    with _lock:
        if _settings is not None and is_answering(_settings.endpoint_url):
            return _settings
        if _server is not None:
            _server.stop()
        from moto.server import (
            ThreadedMotoServer,  # heavy import: only when the sandbox is used
        )

        # moto's HTTP server logs every request; the app's log is for the app.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        port = free_port()
        server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
        server.start()
        url = f"http://{HOST}:{port}"
        wait_until_listening(url)
        settings = sandbox_settings(url)
        seed(make_client(settings))
        _server, _settings = server, settings
        return settings


def stop_sandbox() -> None:
    """Stop the sandbox server (tests use this to play a crash; start_sandbox restarts it)."""
    with _lock:
        if _server is not None:
            _server.stop()
