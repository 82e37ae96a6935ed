"""Starting the server: the certificate, a listening socket, then uvicorn (one process, or
several worker processes sharing the socket: the state is safe across processes)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path


def serve(
    home: Path,
    host: str,
    port: int,
    cert: Path | None,
    key: Path | None,
    require_token: bool,
    workers: int = 1,
) -> None:
    import uvicorn

    from sigctl.home import HOME_ENV
    from sigctl.server.app import REQUIRE_TOKEN_ENV
    from sigctl.server.tls import ensure_certificate

    sock = listen(host, port)  # first: an address that cannot be served changes nothing
    if cert is None:
        cert, key = ensure_certificate(home)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving the emulated cloud at https://{shown}:{bound}", flush=True)
    print(f"Certificate: {cert}", flush=True)
    # Workers build the app themselves (sigctl.server.app:from_environment), from these.
    os.environ[HOME_ENV] = str(home)
    os.environ[REQUIRE_TOKEN_ENV] = "1" if require_token else ""
    config = uvicorn.Config(
        "sigctl.server.app:from_environment",
        factory=True,
        workers=workers,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key) if key else None,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    try:
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, made here so that worker processes can share it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio turns Nagle's algorithm off only on sockets that say they are
    # TCP, and accepted ones inherit the protocol; with Nagle on, every response stalled about
    # 40 ms on the client's delayed acknowledgement. TCP_NODELAY on the listener is inherited
    # by accepted connections on Linux as well.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    return sock
