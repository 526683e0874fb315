"""API fuzzing with schemathesis against /api/v1/openapi.json: no 5xx, every response matches the
documented schema (status code, content type, headers, body). Runs against the app in-process (WSGI)
as an office admin with a bearer token.

Schemathesis's "positive data accepted" check is left out on purpose: a schema-valid request may break
a business rule the schema cannot express (an outlet id that does not exist, a duplicate email, a
period whose end is before its start), and the right answer to it is a documented 422.

Every operation of the document is exercised (schemathesis used as a library; its pytest plugin does not
support this pytest yet), so a new endpoint is fuzzed as soon as it is documented.
"""
from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support import domain

EXAMPLES_PER_OPERATION = 20
# In CI the examples are the same on every run (reproducible); elsewhere each run explores new ones.
DERANDOMIZE = os.environ.get("CI") == "true"


def test_api_conforms_to_its_openapi_document(app, admin, office, make_token):
    people = domain.journalists(office, 3)
    domain.adhoc(office, people)
    domain.weekly_series(office, people, lead_days=7)
    headers = {"Authorization": f"Bearer {make_token(admin)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), derandomize=DERANDOMIZE)
        def check(case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report them all
            failures[operation.label] = str(exc)[:1500]
    assert operations > 40
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
