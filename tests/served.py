"""A served cloud for tests: `sigctl serve --port 0` in a subprocess, on its own SIGCTL_HOME."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken

READY = re.compile(r"at (https://\S+)")
# The emulated cloud's default subscription and tenant (sigctl.provider.accounts).
SUB = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
TENANT = "7f3c1b2a-0d4e-4f6a-9b8c-5d2e1f0a3b4c"


def sigctl_command() -> list[str]:
    found = shutil.which("sigctl")
    return [found] if found else [sys.executable, "-m", "sigctl"]


class ServedCloud:
    def __init__(
        self, home: Path, *args: str, env: dict[str, str] | None = None, port: int = 0
    ) -> None:
        self.home = home
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SIGCTL_", "AZURE_"))},
            "SIGCTL_HOME": str(home),
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [*sigctl_command(), "serve", "--port", str(port), *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        found = READY.search(first)
        if found is None:
            self.stop()
            raise RuntimeError(f"sigctl serve did not start: {first}{self.process.stderr.read()}")
        self.endpoint = found.group(1)
        self.certificate = str(home / "tls" / "cert.pem")

    def sigctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The CLI on the same SIGCTL_HOME, in its own process."""
        return subprocess.run(
            [*sigctl_command(), *args], env=self.env, capture_output=True, text=True, timeout=60
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def client_options(self) -> dict[str, Any]:
        """What an azure-mgmt client needs besides its credential and subscription."""
        return {
            "base_url": self.endpoint,
            "credential_scopes": [f"{self.endpoint}/.default"],
            "connection_verify": self.certificate,
        }


class StaticToken:
    """A credential whose token the served cloud did not issue: it acts as the default
    subscription's owner (unless the server requires issued tokens)."""

    def __init__(self, token: str = "not-a-token-of-this-cloud") -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo(self.token, int(time.time()) + 3600)
