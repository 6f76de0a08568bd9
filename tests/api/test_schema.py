"""Schemathesis against the OpenAPI schema, in-process (ASGI), with bounded examples: no 500s, documented status
codes and content types, responses that match their schemas."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tumorboard.api import create_app
from tumorboard.store import Store

_store = Store(f"sqlite:///{Path(__import__('tempfile').mkdtemp()) / 'schemathesis.sqlite'}")
app = create_app(_store, background=False)
_ = app.state.services.kb  # loaded, as it is once the server is ready
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


HEAVY = r"^/v1/(assess|scores/\{key\}|ask)$"  # large request schemas (the whole case format): fewer examples


OTHERS = r"^/cds-services"  # CDS Hooks belongs to the interoperability issue and is tested there


@schema.exclude(method="POST", path_regex=HEAVY).exclude(path_regex=OTHERS).parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.include(method="POST", path_regex=HEAVY).parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_case_bodies(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
