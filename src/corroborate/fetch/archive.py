"""The archive of what was read: every HTTP response the fetcher received, kept in a
WARC file (warcio), so that a brief can be rebuilt from exactly the bytes that were
fetched (`corroborate ingest FILE.warc.gz`) and a user can show what an outlet
published at a given time.

Each fetch becomes a response record (the URL, the time the answer came, the
status, headers and body as they arrived: a gzip-encoded body stays encoded, with
its Content-Encoding header, and warcio decodes it on reading) and a request record
(what we sent, conditional headers included). Transfer framing is not kept: the
body is stored de-chunked, so Transfer-Encoding is dropped. A body we chose not to
read (too large, not a page) is stored empty with `WARC-Truncated: length`.

Safe against being killed: every record is its own gzip member; a fetch's two
records are built in memory and appended with one write, then fsync'd. A kill can
only leave a half-written last member, and opening the archive again cuts such a
tail off, so every earlier record stays readable.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import threading
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from .. import __version__

log = logging.getLogger(__name__)

_DROPPED_HEADERS = {"transfer-encoding"}


def default_path(db: Path) -> Path:
    """The archive kept beside a store: `news.db` -> `news-fetched.warc.gz`."""
    return db.with_name(db.stem + "-fetched.warc.gz")


def _feed(decompressor, chunk: bytes) -> bytes | None:
    """Feed `chunk` to a gzip member's decompressor (output discarded, at most 1 MB at a
    time); the bytes after the member's end, or None when the member goes on."""
    pending = chunk
    while pending:
        decompressor.decompress(pending, 1 << 20)
        if decompressor.eof:
            return decompressor.unused_data
        pending = decompressor.unconsumed_tail
    return None


def complete_length(path: Path) -> int:
    """The length of the run of complete gzip members at the start of the file."""
    good = position = 0
    decompressor = None
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            while chunk:
                decompressor = decompressor or zlib.decompressobj(31)
                try:
                    rest = _feed(decompressor, chunk)
                except zlib.error:
                    return good
                if rest is None:
                    position += len(chunk)
                    break
                position += len(chunk) - len(rest)
                good, chunk, decompressor = position, rest, None
    return good


class Archive:
    """An append-only `.warc.gz`; `write` may be called from any thread."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self.records = 0
        if self.path.exists() and self.path.stat().st_size:
            size = self.path.stat().st_size
            good = complete_length(self.path)
            if good < size:
                log.warning("%s: cut off %d bytes of a record left half-written", self.path, size - good)
                with self.path.open("r+b") as stream:
                    stream.truncate(good)
        new = not self.path.exists() or self.path.stat().st_size == 0
        self._file = self.path.open("ab")
        if new:
            self._append(self._warcinfo())

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _writer(self, buffer: io.BytesIO):
        from warcio.warcwriter import WARCWriter

        return WARCWriter(buffer, gzip=True, warc_version="1.1")

    def _warcinfo(self) -> bytes:
        buffer = io.BytesIO()
        writer = self._writer(buffer)
        info = {"software": f"corroborate/{__version__}", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(self.path.name, info))
        return buffer.getvalue()

    def _append(self, data: bytes) -> None:
        with self._lock:
            self._file.write(data)
            self._file.flush()
            os.fsync(self._file.fileno())
            self.records += 1

    def write(
        self, url: str, fetched_at: dt.datetime, request_headers: list[tuple[str, str]], status: int, reason: str,
        headers: list[tuple[str, str]], body: bytes, truncated: str | None = None,
    ) -> None:  # fmt: skip
        """Append one fetch: its response record and the request record that asked for it."""
        from warcio.statusandheaders import StatusAndHeaders

        buffer = io.BytesIO()
        writer = self._writer(buffer)
        date = fetched_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        kept = [(name, value) for name, value in headers if name.lower() not in _DROPPED_HEADERS]
        response_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        extra = {"WARC-Date": date}
        if truncated:
            extra["WARC-Truncated"] = truncated
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=response_headers,
            warc_headers_dict=extra,
        )  # fmt: skip
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_line = StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc), *request_headers], is_http_request=True)
        request = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0, http_headers=request_line, warc_headers_dict={"WARC-Date": date}
        )
        writer.write_request_response_pair(request, response)
        self._append(buffer.getvalue())
