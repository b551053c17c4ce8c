"""A TCP proxy on loopback that adds a fixed delay to every request round trip.

Real S3 answers after tens of milliseconds; loopback answers in microseconds and hides exactly
the cost that concurrency saves. Each chunk the client sends waits ``delay`` seconds before it is
forwarded, so every request/response exchange costs at least that much.
"""

from __future__ import annotations

import asyncio
import threading


class LatencyProxy:
    """Forward 127.0.0.1:<port> to ``upstream_port``, delaying client→server data."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.upstream_port, self.delay = upstream_port, delay
        self.loop = asyncio.new_event_loop()
        self.port = 0
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

    async def _pipe(self, reader, writer, delay: float) -> None:
        try:
            while data := await reader.read(65536):
                if delay:
                    await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        await asyncio.gather(
            self._pipe(client_reader, server_writer, self.delay),
            self._pipe(server_reader, client_writer, 0),
        )

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
