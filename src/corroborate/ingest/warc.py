"""Web archives (WARC, `.warc.gz`, read with warcio): every HTML page that was
fetched successfully goes through the HTML path (`html.parse_html`) with the
record's target URI as its URL.

Request, metadata and revisit records, error responses and non-HTML responses
(images, scripts, style sheets) are part of any crawl, not mistakes: they are
skipped without a message and only counted; a problem is reported only when
the archive holds no HTML page at all.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ..model import InputProblem, RawArticle
from .decode import UnreadableInput

log = logging.getLogger(__name__)


def _skip_reason(record) -> str | None:
    if record.rec_type != "response":
        return f"{record.rec_type} record"
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f"HTTP {status}"
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if "html" not in content_type:
        return "not HTML"
    return None


def read(path: Path) -> Iterator[RawArticle | InputProblem]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from .html import parse_html

    skipped: Counter[str] = Counter()
    pages = 0
    with path.open("rb") as stream:
        # warcio reads some non-archives as one odd record; the magic bytes tell.
        if not stream.read(5).startswith((b"\x1f\x8b", b"WARC/")):
            yield InputProblem(str(path), "not a WARC file (it starts neither with WARC/ nor as gzip)")
            return
        stream.seek(0)
        number = 0
        try:
            for record in ArchiveIterator(stream):
                number += 1
                reason = _skip_reason(record)
                if reason:
                    skipped[reason] += 1
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                origin = f"{path}#record-{number}"
                pages += 1
                try:
                    yield parse_html(record.content_stream().read(), origin, url=url)
                except UnreadableInput as problem:
                    yield InputProblem(origin, problem.message)
        except ArchiveLoadFailed as error:
            message = str(error).splitlines()[0] if str(error) else "unknown format"
            yield InputProblem(str(path), f"not a readable WARC file ({message})")
            return
    if skipped:
        log.info("%s: skipped %d records (%s)", path, sum(skipped.values()), dict(skipped))
    if pages == 0:
        detail = ", ".join(f"{count} {reason}" for reason, count in skipped.most_common()) or "empty archive"
        yield InputProblem(str(path), f"no HTML page in the archive ({detail})")
