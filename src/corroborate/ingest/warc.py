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

    from .files import check_complete, compression_of, open_binary
    from .html import parse_html

    skipped: Counter[str] = Counter()
    pages = 0
    # Decompressed on the way in (a .warc.gz is one gzip member per record): warcio's
    # own gzip reading stops without a word where a member is cut short, which would
    # drop the archive's last records silently.
    try:
        stream = open_binary(path)
    except UnreadableInput as problem:
        yield InputProblem(str(path), f"not a WARC file ({problem.message})")
        return
    with stream:
        # warcio reads some non-archives as one odd record; the magic bytes tell.
        if not stream.peek(5)[:5].startswith(b"WARC/"):
            yield InputProblem(str(path), "not a WARC file (it does not start with WARC/)")
            return
        number = 0
        records = ArchiveIterator(stream)
        while True:
            try:
                # warcio parses the record's headers here, and fails in assorted ways on a
                # garbled one: that record and the rest of the archive cannot be read.
                record = next(records)
                if record.rec_type:
                    content = record.content_stream().read() if _skip_reason(record) is None else b""
                    record.raw_stream.read()
            except StopIteration:
                break
            except ArchiveLoadFailed as error:
                message = str(error).splitlines()[0] if str(error) else "unknown format"
                yield InputProblem(str(path), f"not a readable WARC file ({message})")
                return
            except Exception as error:  # noqa: BLE001 - see the comment above
                detail = (str(error).splitlines() or [""])[0][:80]
                yield InputProblem(str(path), f"record {number + 1} cannot be read ({type(error).__name__}: {detail}); it and any after it are missing")
                return
            number += 1
            if not record.rec_type:
                yield InputProblem(str(path), f"the archive is cut short in record {number}: it and any after it are missing")
                return
            reason = _skip_reason(record)
            if reason:
                skipped[reason] += 1
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            origin = f"{path}#record-{number}"
            pages += 1
            if record.raw_stream.limit > 0:
                yield InputProblem(origin, "the archive is cut short inside this record: it and any after it are missing")
                return
            try:
                yield parse_html(content, origin, url=url)
            except UnreadableInput as problem:
                yield InputProblem(origin, problem.message)
        try:
            check_complete(stream)
        except EOFError:
            yield InputProblem(str(path), f"the {compression_of(path)} data is cut short after record {number}: any after it are missing")
    if skipped:
        log.info("%s: skipped %d records (%s)", path, sum(skipped.values()), dict(skipped))
    if pages == 0:
        detail = ", ".join(f"{count} {reason}" for reason, count in skipped.most_common()) or "empty archive"
        yield InputProblem(str(path), f"no HTML page in the archive ({detail})")

