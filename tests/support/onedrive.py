"""A OneDrive stand-in for files in the chat: pre-authenticated download links for files a user sent, and
upload sessions that take byte ranges (`Content-Range`) the way OneDrive's do. HTTP on 127.0.0.1."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.local_site import serve_locally

_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


@dataclass
class OneDrive:
    files: dict[str, bytes] = field(default_factory=dict)
    uploads: dict[str, bytearray] = field(default_factory=dict)
    ranges: list[str] = field(default_factory=list)
    downloads: int = 0
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/download/{id}", self._download)
        app.router.add_put("/upload/{id}", self._upload)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def share(self, content: bytes) -> str:
        """Store a file the user sends; the download link Teams would put in the attachment."""
        file_id = str(uuid.uuid4())
        self.files[file_id] = content
        return f"{self.url}/download/{file_id}?tempauth=v1.secret"

    def upload_session(self) -> str:
        session = str(uuid.uuid4())
        self.uploads[session] = bytearray()
        return f"{self.url}/upload/{session}"

    def uploaded(self, upload_url: str) -> bytes:
        return bytes(self.uploads[upload_url.rsplit("/", 1)[1]])

    async def _download(self, request: web.Request) -> web.Response:
        self.downloads += 1
        content = self.files.get(request.match_info["id"])
        if content is None:
            return web.json_response({"error": {"code": "itemNotFound"}}, status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    async def _upload(self, request: web.Request) -> web.Response:
        session = self.uploads.get(request.match_info["id"])
        header = request.headers.get("Content-Range", "")
        self.ranges.append(header)
        match = _RANGE.match(header)
        body = await request.read()
        if session is None or match is None:
            return web.json_response({"error": {"code": "invalidRequest"}}, status=400)
        first, last, total = (int(g) for g in match.groups())
        if first != len(session) or last - first + 1 != len(body) or last >= total:
            return web.json_response({"error": {"code": "invalidRange"}}, status=416)
        session.extend(body)
        done = len(session) == total
        return web.json_response(
            {"id": "item-1"} if done else {"nextExpectedRanges": [f"{len(session)}-"]}, status=201 if done else 202
        )
