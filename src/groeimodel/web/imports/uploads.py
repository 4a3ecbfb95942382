"""An upload that is too large is refused before it is read: by its Content-Length before the body is touched,
and otherwise (a chunked body, a wrong length) by an upload handler that stops keeping the file at the limit."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and the multipart boundaries around the file


def declared_too_large(request: HttpRequest, max_bytes: int) -> bool:
    """Whether the request says it carries more than a file of ``max_bytes`` and the form around it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes + MULTIPART_OVERHEAD


class LimitedUploadHandler(FileUploadHandler):
    """First in the chain: counts a file's bytes and skips the file (keeps nothing more of it) past ``max_bytes``;
    ``too_large`` then tells the form why the file is missing."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.too_large = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_uploads(request: HttpRequest, max_bytes: int) -> LimitedUploadHandler:
    """Put the limiting handler first; call before request.POST or request.FILES is read."""
    handler = LimitedUploadHandler(request, max_bytes)
    request.upload_handlers.insert(0, handler)
    return handler
