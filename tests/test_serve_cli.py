"""`sigctl serve`'s own arguments: az-style usage errors (exit 2) and errors (exit 1)."""

from __future__ import annotations

import socket
from pathlib import Path

from conftest import Runner


def test_argument_errors(sigctl: Runner, tmp_path: Path) -> None:
    for args in (
        "serve --port 99999",
        "serve --port x",
        "serve --workers 0",
        f"serve --cert {tmp_path / 'c.pem'}",
    ):
        result = sigctl(args)
        assert result.exit_code == 2 and result.stderr.startswith("ERROR: "), args
    missing = sigctl(f"serve --cert {tmp_path / 'c.pem'} --key {tmp_path / 'k.pem'}")
    assert missing.exit_code == 1
    assert missing.stderr.startswith(f"ERROR: The file '{tmp_path / 'c.pem'}' does not exist.")


def test_a_port_in_use_is_an_error_not_a_traceback(sigctl: Runner, home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = sigctl(f"serve --port {port}")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ERROR: Cannot serve on 127.0.0.1:{port}: ")
    assert not (home / "tls").exists()  # it listens first: a failed start changes nothing


def test_a_certificate_being_made_is_waited_for_not_made_twice(home: Path) -> None:
    """While one server makes the certificate (holding tls/.lock), another waits, then loads
    that one instead of writing its own over it."""
    import fcntl
    import threading

    from sigctl.server.tls import ensure_certificate

    folder = home / "tls"
    folder.mkdir(parents=True)
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = threading.Thread(target=ensure_certificate, args=(home,))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and not (folder / "cert.pem").exists()
    waiting.join(10)
    made = (folder / "cert.pem").read_bytes()
    ensure_certificate(home)
    assert (folder / "cert.pem").read_bytes() == made


def test_connections_to_the_server_send_without_delay() -> None:
    """Accepted connections have Nagle's algorithm off (asyncio does it only for sockets that
    say they are TCP): with it on, each answer waited ~40 ms for the client's delayed ACK."""
    from sigctl.server.run import listen

    with listen("127.0.0.1", 0) as server:
        assert server.proto == socket.IPPROTO_TCP
        with socket.create_connection(server.getsockname()[:2]):
            accepted, _ = server.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_the_certificate_is_made_once_with_a_private_key(home: Path) -> None:
    from sigctl.server.tls import ensure_certificate

    cert, key = ensure_certificate(home)
    assert cert == home / "tls" / "cert.pem" and key == home / "tls" / "key.pem"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert ensure_certificate(home) == (cert, key) and cert.read_bytes().startswith(b"-----BEGIN")
