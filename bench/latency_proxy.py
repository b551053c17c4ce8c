"""A TCP proxy on loopback that adds a fixed delay to every request round trip.

Real S3 answers after tens of milliseconds; loopback answers in microseconds and hides exactly
the cost that concurrency saves. The first bytes a client sends after the server has answered
(or on a new connection) wait ``delay`` seconds: that is one request's round trip. The rest of a
request body streams on without delay, so a large upload pays the latency once, not per chunk.
"""

from __future__ import annotations

import asyncio
import threading

CHUNK = 256 * 1024


class LatencyProxy:
    """Forward 127.0.0.1:<port> to ``upstream_port``, delaying the start of each request."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.upstream_port, self.delay = upstream_port, delay
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self.requests = 0  # request round trips forwarded so far
        ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _pipe(self, reader, writer, turn: dict, *, requests: bool) -> None:
        """Copy one direction. On the client's side (``requests``), the first bytes after the
        server has spoken start a new request: count it and wait once."""
        try:
            while data := await reader.read(CHUNK):
                if not requests:
                    turn["server_spoke"] = True
                elif turn["server_spoke"]:
                    turn["server_spoke"] = False
                    self.requests += 1
                    if self.delay:
                        await asyncio.sleep(self.delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_writer.close()
            return
        turn = {"server_spoke": True}  # a new connection starts with a request
        await asyncio.gather(
            self._pipe(client_reader, server_writer, turn, requests=True),
            self._pipe(server_reader, client_writer, turn, requests=False),
        )

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
