"""A stored file (an item's attachment, a reply's) sent as a download: never cached, never sniffed as a page."""
from __future__ import annotations

from pathlib import Path

from flask import Response, abort, send_file

from .models.base import StoredFile


def stored_file(path: Path, found: StoredFile) -> Response:
    """found's file at path, under the name its sender gave; 404 when the file is gone (the privacy purge)."""
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename,
                         max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
