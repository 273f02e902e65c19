"""Files in a personal chat, the way Teams moves them (its bot file API works in personal scope only).

Receiving: Teams uploads the user's file to their OneDrive and sends a `file.download.info` attachment
whose `downloadUrl` is pre-authenticated and short-lived. Sending: the bot posts a file consent card;
when the user allows it, Teams sends a `fileConsent/invoke` with an upload session URL, the bot PUTs
the bytes there in ranges, then posts a file info card pointing at the stored file.

Both URLs arrive in activities, so the bot would otherwise fetch or write wherever an activity says:
only hosts of `Settings.file_hosts` (OneDrive and SharePoint by default) are used, over https, and a
download stops at a size limit.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import aiohttp
from botbuilder.schema import Attachment

from bot.untrusted import mapping
from inventory.errors import SwitchboardError

DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO_CARD = "application/vnd.microsoft.teams.card.file.info"
MAX_CSV_BYTES = 50 * 1024 * 1024  # a million numbers in the export's columns fit with room to spare
# OneDrive upload sessions take ranges under 60 MiB, in multiples of 320 KiB.
UPLOAD_CHUNK = 32 * 320 * 1024
_TIMEOUT = aiohttp.ClientTimeout(total=120, sock_connect=10)


@dataclass(frozen=True)
class SentFile:
    """A file the user sent in the chat, as Teams describes it (nothing here is read yet)."""

    name: str
    download_url: str
    file_type: str


@dataclass(frozen=True)
class UploadInfo:
    """Where Teams lets the bot write the file the user allowed (from the `fileConsent/invoke`)."""

    name: str
    upload_url: str
    content_url: str
    unique_id: str
    file_type: str


def sent_files(attachments: Iterable[Any] | None) -> list[SentFile]:
    """The files among an activity's attachments (cards and images are not files sent to the bot)."""
    files = []
    for attachment in attachments or []:
        if getattr(attachment, "content_type", None) != DOWNLOAD_INFO:
            continue
        content = mapping(getattr(attachment, "content", None))
        url, name = content.get("downloadUrl"), getattr(attachment, "name", None)
        if isinstance(url, str) and isinstance(name, str):
            file_type = content.get("fileType")
            files.append(SentFile(name[:200], url, file_type if isinstance(file_type, str) else ""))
    return files


def upload_info(value: Any) -> UploadInfo | None:
    info = mapping(mapping(value).get("uploadInfo"))
    fields = [info.get(key) for key in ("name", "uploadUrl", "contentUrl", "uniqueId", "fileType")]
    if not all(isinstance(field, str) for field in fields[:2]):
        return None
    name, upload_url, content_url, unique_id, file_type = (f if isinstance(f, str) else "" for f in fields)
    return UploadInfo(name, upload_url, content_url, unique_id, file_type)


def host_allowed(url: str, patterns: Iterable[str]) -> bool:
    """https to a configured host; plain http only to a loopback address named in the patterns (tests)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or not any(fnmatch.fnmatchcase(host, pattern.lower()) for pattern in patterns):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host))


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def download(file: SentFile, *, hosts: Iterable[str], limit: int = MAX_CSV_BYTES) -> bytes:
    if not host_allowed(file.download_url, hosts):
        raise SwitchboardError(f"I only read files Teams stores in OneDrive or SharePoint; '{file.name}' is not.")
    chunks: list[bytes] = []
    size = 0
    try:
        async with (
            aiohttp.ClientSession(timeout=_TIMEOUT) as session,
            session.get(file.download_url, allow_redirects=False) as response,
        ):
            if response.status != 200:
                raise SwitchboardError(
                    f"Teams did not hand me '{file.name}' (HTTP {response.status}); send the file again."
                )
            async for chunk in response.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise SwitchboardError(
                        f"'{file.name}' is over {limit // (1024 * 1024)} MB; import it with the CLI instead."
                    )
                chunks.append(chunk)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise SwitchboardError(
            f"I could not read '{file.name}' from Teams ({type(error).__name__}); try again."
        ) from None
    return b"".join(chunks)


async def upload(info: UploadInfo, content: IO[bytes], size: int, *, hosts: Iterable[str]) -> None:
    """PUT `size` bytes of `content` into the upload session, range by range."""
    if not host_allowed(info.upload_url, hosts):
        raise SwitchboardError("Teams offered a place to save the file that is not OneDrive; nothing was sent.")
    try:
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            sent = 0
            while chunk := content.read(UPLOAD_CHUNK):
                headers = {"Content-Range": f"bytes {sent}-{sent + len(chunk) - 1}/{size}"}
                async with session.put(info.upload_url, data=chunk, headers=headers) as response:
                    if response.status not in (200, 201, 202):
                        raise SwitchboardError(f"OneDrive refused the file (HTTP {response.status}); export again.")
                sent += len(chunk)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise SwitchboardError(
            f"I could not save the file to OneDrive ({type(error).__name__}); export again."
        ) from None


def consent_attachment(name: str, *, description: str, size: int, context: dict[str, Any]) -> Attachment:
    """The card on which Teams asks the user to allow the file (Allow / Decline)."""
    content = {"description": description, "sizeInBytes": size, "acceptContext": context, "declineContext": context}
    return Attachment(content_type=CONSENT_CARD, name=name, content=content)


def file_info_attachment(info: UploadInfo) -> Attachment:
    """The file, stored, as Teams shows it in the chat."""
    return Attachment(
        content_type=FILE_INFO_CARD,
        name=info.name,
        content_url=info.content_url,
        content={"uniqueId": info.unique_id, "fileType": info.file_type or "csv"},
    )
