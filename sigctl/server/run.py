"""Starting the server: the certificate, a listening socket, then uvicorn."""

from __future__ import annotations

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
) -> None:
    import uvicorn

    from sigctl.provider.service import Provider
    from sigctl.server.app import create_app
    from sigctl.server.tls import ensure_certificate

    if cert is None:
        cert, key = ensure_certificate(home)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving the emulated cloud at https://{shown}:{bound}", flush=True)
    print(f"Certificate: {cert}", flush=True)
    app = create_app(Provider(home), require_token)
    config = uvicorn.Config(
        app,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key) if key else None,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()
