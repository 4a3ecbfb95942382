"""A test client that speaks to the API with a persona's personal token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from groeimodel.web.api.tokens import create_token


class Upload:
    """A file for a multipart body (the import operations)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data = name, data


class ApiClient:
    def __init__(self, user: Any | None = None, token: str | None = None, language: str | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        secret = token or (create_token(user=user, name="tests").secret if user is not None else None)
        if secret:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        if language:
            self.headers["HTTP_ACCEPT_LANGUAGE"] = language

    def request(self, method: str, url: str, body: Any = None, **extra: Any) -> Any:
        call = getattr(self.client, method)
        if isinstance(body, Upload):
            from django.core.files.uploadedfile import SimpleUploadedFile

            return call(url, data={"file": SimpleUploadedFile(body.name, body.data)}, **self.headers, **extra)
        if body is None and method == "get":
            return call(url, **self.headers, **extra)
        data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
        return call(url, data=data, content_type="application/json", **self.headers, **extra)

    def get(self, url: str, **extra: Any) -> Any:
        return self.request("get", url, **extra)

    def post(self, url: str, body: Any = None) -> Any:
        return self.request("post", url, body)

    def patch(self, url: str, body: Any = None) -> Any:
        return self.request("patch", url, body)

    def put(self, url: str, body: Any = None) -> Any:
        return self.request("put", url, body)


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The response is the API's error shape with ``status``: a detail and a list of field errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"} and error["message"]
    return body
