"""A TCP proxy on loopback that delays every request by a fixed time: a region's round trip.

    python -m benchmarks.latency_proxy TARGET_URL [--delay 0.05]

Prints ``listen=http://127.0.0.1:PORT`` once listening. Each burst of bytes from the client is
forwarded ``delay`` seconds after it arrived (order kept, bursts pipelined: a 3-packet request
is late by ``delay``, not three times), and answers come back at once, so every HTTP request on a
kept-alive connection pays ``delay`` once: what both the dashboard's concurrent poll and the
sequential baseline pay per call. New connections are not delayed (a real TCP+TLS handshake
would add one or two round trips more: the concurrent poll opens more connections, so this
favours the baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from urllib.parse import urlsplit


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def send() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(65536)
            await queue.put((loop.time() + delay, data))
            if not data:
                break
        await sender
    except (ConnectionError, asyncio.CancelledError):
        sender.cancel()
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def serve(target: str, delay: float) -> None:
    parts = urlsplit(target)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(host, port)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, server_w, delay), _pipe(server_r, client_w, 0.0),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    listen_port = server.sockets[0].getsockname()[1]
    print(f"listen=http://127.0.0.1:{listen_port}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.latency_proxy")
    parser.add_argument("target")
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.target, args.delay))
    return 0


if __name__ == "__main__":
    sys.exit(main())
