"""The API keeps the contract it publishes (issue "Security, privacy and accounts", item 7). schemathesis reads the
OpenAPI schema the app serves at /api/schema/, generates requests for every operation in it — a fixed number of
generated ones, valid and invalid, and for the county reviewer also each parameter's boundaries and wrong values (the
coverage phase) — and sends them in process, through the WSGI application, with the API token of a demo-county user:
the county reviewer and a village worker. Every answer is checked: no 5xx, a status code the schema documents, its
content type, a body that matches its schema.

Writes happen: each case runs in a savepoint rolled back after it, inside the test's transaction, so nothing
persists and no case sees another's rows. Half of the generated ids are rows the user can see (the first page of the
operation's own list), so details and actions are tried on real rows, not only on 404s. The run is deterministic
(derandomized, no example database) and bounded: at most ``MAX_EXAMPLES`` generated cases an operation and role, no
shrinking, no stateful phase. The counts are printed at the end of the run (tests/tallies.py)."""

import io
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import wsgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.authentication import token_issue
from accounts.models import User
from tests.tallies import tally

pytestmark = pytest.mark.django_db

DEMO_HOUSEHOLDS = 60
# Demo logins (demo/plan/people.py): the county reviewer sees the county and signs its steps; the village worker
# sees one village and records its households, visits and incomes.
ROLES = ["county", "village"]
MAX_EXAMPLES = 12  # generated cases per operation and role, on top of the coverage phase's boundary values
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _config(*, coverage: bool) -> schemathesis.Config:
    """The fuzzing phase on every operation; the coverage phase (when ``coverage``) with its invalid values on writes
    only: a read's invalid query parameters are ignored or refused by one filter library."""
    boundaries = {"enabled": coverage, "unexpected-methods": []}  # methods the schema lacks are DRF's 405s
    return schemathesis.Config.from_dict(
        {
            "seed": 2021,
            "cache": {"enabled": False},
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "no-shrink": True},
            "phases": {
                "examples": {"enabled": False},  # the schema has no examples: drf-spectacular writes none
                "coverage": {**boundaries, "generation": {"mode": "all"}},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "operations": [
                {"include-method": "GET", "phases": {"coverage": {**boundaries, "generation": {"mode": "positive"}}}}
            ],
        }
    )


# The coverage phase tries each parameter's boundaries and each way to get it wrong, some 60 cases an operation, as
# the county reviewer, who reaches the most rows; the village worker, whose answers differ mostly by scope (404)
# and right (403), gets the generated cases only.
CONFIGS = {"county": _config(coverage=True), "village": _config(coverage=False)}
# Server errors whose fix lies in code another change owns, by operation: the file the exception is raised in, and
# why. Listed in the summary as known, not failed, as long as the traceback runs through that file; delete an entry
# when its fix lands.
KNOWN: dict[str, tuple[str, str]] = {}
TALLY = tally("API contract (schemathesis)", "{operations} operations, {cases:,} cases", operations=0, cases=0)
_operations: set[str] = set()  # the operations cases were sent to
_in_schema: set[str] = set()  # the operations of the schema
_known_seen: set[str] = set()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One load of the demo county for the module, rolled back after it."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        call_command("load_demo", households=DEMO_HOUSEHOLDS, seed=7, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module", autouse=True)
def _every_operation_tried() -> Iterator[None]:
    yield
    TALLY.known += [f"{label}: no longer fails; delete it from KNOWN" for label in sorted(KNOWN.keys() - _known_seen)]
    if _in_schema - _operations:
        pytest.fail(f"operations of the schema that no case reached: {sorted(_in_schema - _operations)}")


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The application as gunicorn runs it, with one change the test needs: Django closes "old" connections as a
    request starts and ends, which inside the test's transaction would drop it (its test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors() -> Iterator[list[str]]:
    """Tracebacks of the exceptions the app let through (answered 500), so a failure shows where it happened."""
    caught: list[str] = []

    def keep(**kwargs: Any) -> None:
        caught.append("".join(traceback.format_exception(*sys.exc_info())))

    signals.got_request_exception.connect(keep)
    yield caught
    signals.got_request_exception.disconnect(keep)


@pytest.fixture(params=ROLES)
def user(request, demo) -> User:
    return User.objects.get(username=request.param)


@pytest.fixture
def auth(user) -> dict[str, str]:
    return {"Authorization": f"Token {token_issue(user).key}"}


def _visible_ids(app: WSGIHandler, auth: dict[str, str], operations: list[Any]) -> dict[str, list[int]]:
    """The ids on the first page of each list the user can read, by the list's path."""
    client = wsgi.get_client(app)
    ids: dict[str, list[int]] = {}
    for operation in operations:
        if operation.method == "get" and "{" not in operation.path:
            response = client.get(operation.path, headers=auth)
            body = response.get_json(silent=True)
            if response.status_code == 200 and isinstance(body, dict) and "results" in body:
                ids[operation.path] = [row["id"] for row in body["results"][:8] if "id" in row]
    return ids


@pytest.fixture
def api_schema(wsgi_app, user, auth) -> Any:
    """The schema as /api/schema/ serves it to the user, its path ids drawn half from rows the user can see."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=auth, config=CONFIGS[user.username])
    operations = [result.ok() for result in schema.get_all_operations()]
    _in_schema.update(operation.label for operation in operations)
    visible = _visible_ids(wsgi_app, auth, operations)

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        ids = visible.get(context.operation.path.split("{id}")[0], [])
        if not ids or not isinstance((path_parameters or {}).get("id"), int):
            return st.just(path_parameters)
        return st.one_of(st.sampled_from(ids).map(lambda pk: {**path_parameters, "id": pk}), st.just(path_parameters))

    return schema


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32 reads and rewrites ``node._nodeid``, which pytest 9.2 renamed; give it one to read."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def call(user, auth, server_errors) -> Callable[[Any], None]:
    """Send one case in a savepoint rolled back after it; count it; keep a failure for the summary."""

    def send(case: Any) -> None:
        _operations.add(case.operation.label)
        TALLY.counts["operations"] = len(_operations)
        TALLY.add("cases")
        server_errors.clear()
        try:
            with transaction.atomic():
                try:
                    case.call_and_validate(headers=auth, checks=CHECKS)
                finally:
                    transaction.set_rollback(True)
        except (FailureGroup, Exception) as exc:  # a FailureGroup is a BaseExceptionGroup, not an Exception
            titles = sorted({f.title for f in exc.exceptions}) if isinstance(exc, FailureGroup) else [repr(exc)]
            line = f"{user.username}: {case.operation.label}: {'; '.join(titles)}"
            where, why = KNOWN.get(case.operation.label, ("", ""))
            if where and server_errors and all(where in trace for trace in server_errors):
                _known_seen.add(case.operation.label)
                known = f"{user.username}: {case.operation.label}: {where}: {why}"
                if known not in TALLY.known:
                    TALLY.known.append(known)
                return
            if line not in TALLY.failures:
                TALLY.failures.append(line)
            for trace in server_errors:
                exc.add_note(trace)
            raise

    return send


schema = schemathesis.pytest.from_fixture("api_schema")


@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck), database=None, print_blob=False)
@schema.parametrize()
def test_every_operation_keeps_its_contract(case, call):
    call(case)
