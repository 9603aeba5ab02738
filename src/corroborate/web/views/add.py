"""Adding articles from the browser: upload files (any format `corroborate ingest`
reads) or paste URLs, then follow the job's progress. Off unless the server was
started with `--allow-ingest`; the form carries a CSRF token; the body has a
size limit (security.BodyLimit); files are saved under safe names in a private
folder, and files and URLs are ingested by the worker, the store's one writer
(URLs through the live-sources fetcher: robots.txt, per-host turns, limits)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..security import CSRF_COOKIE, CSRF_FIELD, csrf_ok, new_csrf_token, safe_file_name
from ..worker import Job

MAX_FILES = 200
MAX_URLS = 200
JOB_ID = re.compile(r"[0-9a-f]{32}")
REFRESH_SECONDS = 2


def routes(web) -> list[Route]:
    def off(request: Request) -> Response:
        return web.error(request, 404, "Adding articles is off on this server (start it with `corroborate serve --allow-ingest`).")

    def form(request: Request, status: int = 200, problem: str = "") -> Response:
        token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
        response = web.page(
            request, "add.html.j2", status=status, csrf_field=CSRF_FIELD, csrf_token=token, problem=problem,
            max_upload=web.settings.max_upload_bytes,
        )  # fmt: skip
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/add")
        return response

    async def add(request: Request) -> Response:
        if not web.settings.allow_ingest:
            return off(request)
        if request.method == "GET":
            return form(request)
        if not _same_origin(request):
            return web.error(request, 403, "This form was sent from another site and is refused.")
        async with request.form(max_files=MAX_FILES, max_fields=20) as data:
            if not csrf_ok(request.cookies.get(CSRF_COOKIE), str(data.get(CSRF_FIELD) or "")):
                return web.error(request, 403, "This form has expired or did not come from this page (CSRF token missing or wrong). Reload the page and send it again.")
            uploads = [item for item in data.getlist("files") if isinstance(item, UploadFile) and item.filename]
            urls = [line.strip() for line in str(data.get("urls") or "").splitlines() if line.strip()][: MAX_URLS + 1]
            if not uploads and not urls:
                return form(request, 400, "Choose at least one file or paste at least one URL.")
            if len(urls) > MAX_URLS:
                return form(request, 400, f"At most {MAX_URLS} URLs at a time.")
            folder, paths, names = await run_in_threadpool(_save, uploads)
        from ...fetch.urls import is_url

        # Fetched by the worker with the live-sources fetcher (fetch.collect), as
        # `corroborate ingest URL...` fetches them; anything else is said, not dropped.
        fetch = [url for url in urls if is_url(url)]
        refused = [(line, "not a web address (http:// or https://)") for line in urls if not is_url(line)]
        if web.worker is None:
            return web.error(request, 503, "This server has no background worker to add articles with.")
        job = web.worker.submit_ingest(folder, paths, names, fetch, refused)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def job_page(request: Request) -> Response:
        job = _job(request)
        if job is None:
            return web.error(request, 404, "There is no such job on this server (jobs are kept until it stops).")
        return web.page(request, "job.html.j2", job=job, refresh=None if job.finished else REFRESH_SECONDS,
                        json_url=f"/jobs/{job.id}.json")  # fmt: skip

    def job_json(request: Request) -> Response:
        job = _job(request)
        if job is None:
            return web.error(request, 404, "There is no such job on this server.")
        return JSONResponse({
            "id": job.id, "state": job.state, "files": list(job.files), "urls": list(job.urls), "read": job.read, "new": job.new,
            "duplicates": job.duplicates, "problems": list(job.problems), "message": job.message,
            "not_fetched": [{"url": url, "reason": reason} for url, reason in job.not_fetched],
        })  # fmt: skip

    def _job(request: Request) -> Job | None:
        job_id = request.path_params["job_id"]
        if web.worker is None or not JOB_ID.fullmatch(job_id):
            return None
        return web.worker.job(job_id)

    return [
        Route("/add", add, methods=["GET", "POST"]),
        Route("/jobs/{job_id}.json", job_json),
        Route("/jobs/{job_id}", job_page),
    ]


def _same_origin(request: Request) -> bool:
    """A browser names the page a form was sent from; it must be this server."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return origin.split("://", 1)[-1] == request.headers.get("host", "")


def _save(uploads: list[UploadFile]) -> tuple[Path, list[Path], list[str]]:
    """Save the uploads in a new private folder under safe names."""
    folder = Path(tempfile.mkdtemp(prefix="corroborate-upload-"))
    paths, names = [], []
    for index, upload in enumerate(uploads):
        path = folder / safe_file_name(upload.filename, index)
        with path.open("wb") as out:
            upload.file.seek(0)
            while chunk := upload.file.read(1 << 20):
                out.write(chunk)
        paths.append(path)
        names.append(upload.filename or path.name)
    return folder, paths, names
