"""Schemathesis against the OpenAPI document: generated requests to every operation, with a valid token, give no
5xx and no response the document does not describe (status, content type, body, headers), and requests the
document forbids are refused. Bounded: a few examples per operation, no deadline; about a minute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from groeimodel.web.api.tokens import create_token

from .conftest import submitted_scan

# The document needs no token and no database: it is loaded once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token(world: Any) -> Iterator[str]:
    """The administrator's token (every operation is theirs to call), with a submitted scan in the data."""
    cache.clear()
    submitted_scan(world.bakery)
    # As Django's test client does: the test's database connection (and its transaction) outlives each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield create_token(user=world.beheerder, name="schemathesis").secret
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_as_its_document_says(case: Any, token: str) -> None:
    # Not checked: that every request the document allows is accepted (positive_data_acceptance). The document
    # cannot say which statement ids, advisors or KvK numbers exist; those answer 422 with the field named.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, excluded_checks=[checks.positive_data_acceptance]
    )
