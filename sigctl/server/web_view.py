"""The live web view: a read-only page at `/` and its files under `/web/`, shipped in the package.

The page is static (HTML, CSS and JavaScript in sigctl/server/web/, no build step) and reads the
emulated cloud the way any client does: through this server's API, with GET requests only
(docs/serve.md, "The live web view"). Its Content-Security-Policy lets it reach nothing but this
server, so it works offline and cannot be made to load anything from elsewhere.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

FILES = Path(__file__).parent / "web"
PAGE = "index.html"
ASSETS = "/web/"
HEADERS = {
    "Cache-Control": "no-cache",  # a restarted (or upgraded) server is asked again
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_MEDIA_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


def routes() -> list[BaseRoute]:
    """GET and HEAD only: any other verb on these paths is the API's to answer (405)."""
    return [
        Route("/", _page, methods=["GET", "HEAD"]),
        Route(ASSETS + "{name}", _asset, methods=["GET", "HEAD"]),
    ]


async def _page(request: Request) -> Response:
    return _file(PAGE)


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in assets():
        return JSONResponse(
            {
                "error": {
                    "code": "NotFound",
                    "message": f"The web view has no file '{name}'.",
                }
            },
            404,
            HEADERS,
        )
    return _file(name)


@cache
def assets() -> frozenset[str]:
    """The files the page loads: only these are served, whatever else the folder holds."""
    return frozenset(p.name for p in FILES.iterdir() if p.suffix in _MEDIA_TYPES and p.name != PAGE)


def _file(name: str) -> Response:
    path = FILES / name
    return FileResponse(path, headers=HEADERS, media_type=_MEDIA_TYPES[path.suffix])
