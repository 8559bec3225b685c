"""The whole OpenAPI document, fuzzed by schemathesis (issue 13): every operation gets a few
generated requests, as a signed-in guardian and anonymously, against the real server in-process
on the test database. Any 5xx, or a response that does not match the document (status, content
type, body schema — e.g. a time without its UTC offset), fails the test, which lists them all.

Bounded so it fits the normal suite (about a minute per database): per operation EXAMPLES valid
requests per identity, EXAMPLES more as the guardian on their real child and content, and
NEGATIVE_EXAMPLES invalid ones as the guardian; no shrinking, derandomized (the same requests
every run). It is part of the normal suite (`make test`), not marked or skipped."""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from server.config import Settings
from tests.server.bankid_sim import Sim, running_simulator
from tests.server.content_world import API, build

EXAMPLES = 3
NEGATIVE_EXAMPLES = 2
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
NEGATIVE_CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def sim(clock):  # type: ignore[no-untyped-def]
    yield from running_simulator(clock)


@pytest.fixture
def settings(settings: Settings, sim: Sim) -> Settings:
    """BankID reachable (its simulator on a loopback port), as in a real deployment."""
    return settings.model_copy(update={"bankid_base_url": sim.rp_url})


def _content(client, make, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Some of everything a guardian reads, so fuzzed requests reach real rows (and their times)."""
    teacher = make.headers(world.teacher)
    ids = {"pupil_id": world.pupil.id, "unit_id": world.school.id}

    def created(answer):  # type: ignore[no-untyped-def]
        assert answer.status_code in (200, 201), answer.text
        return answer.json()["id"]

    ids["news_id"] = created(client.post(f"{API}/staff/information/news", json={"group_ids": [world.class_4a.id], "title": "Nyhet", "body": "Text"}, headers=teacher))
    ids["entry_id"] = created(client.post(
        f"{API}/staff/calendar/entries",
        json={"kind": "activity", "title": "Utflykt", "start_date": "2026-12-03", "start_time": "09:00", "end_time": "11:30", "group_id": world.class_4a.id},
        headers=teacher,
    ))
    ids["post_id"] = created(client.post(f"{API}/staff/blog/posts", data={"group_id": str(world.class_4a.id), "title": "Blogg", "body": "Text"}, headers=teacher))
    ids["comment_id"] = created(client.post(f"{API}/blog/posts/{ids['post_id']}/comments", json={"body": "Fint!"}, headers=make.headers(world.student)))
    ids["thread_id"] = created(client.post(
        f"{API}/messages/threads",
        json={"pupil_id": world.pupil.id, "recipient_ids": [world.teacher.id], "subject": "Fråga", "body": "Hej!"},
        headers=make.headers(world.guardian),
    ))
    return ids


def test_every_operation_answers_without_5xx_and_as_documented(app, client, make):
    world = build(make)
    known = _content(client, make, world)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    problems: list[str] = []
    calls = 0
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100
    def fuzz(operation, identity, path_parameters=None, mode=GenerationMode.POSITIVE):  # type: ignore[no-untyped-def]
        @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
        @hypothesis_settings(
            max_examples=EXAMPLES if mode is GenerationMode.POSITIVE else NEGATIVE_EXAMPLES, deadline=None, database=None, derandomize=True,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )
        def exercise(case):  # type: ignore[no-untyped-def]
            nonlocal calls
            # A fresh session each time: a generated logout or password change cannot end the run.
            headers = make.headers(world.guardian) if identity == "guardian" else {}
            if case.headers:
                case.headers.pop("Authorization", None)
            response = case.call(headers=headers)
            calls += 1
            try:
                case.validate_response(response, checks=CHECKS if mode is GenerationMode.POSITIVE else NEGATIVE_CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # collect every finding, not just the first
                found = getattr(exc, "exceptions", None) or [exc]
                what = "; ".join(sorted({getattr(f, "title", None) or type(f).__name__ for f in found}))
                problems.append(f"{mode.name.lower()} {identity} {operation.method.upper()} {case.formatted_path} -> {response.status_code}: {what}")

        try:
            exercise()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # an operation without input has no invalid request

    for operation in operations:
        for identity in ("guardian", "anonymous"):
            fuzz(operation, identity)
        # Invalid input (wrong types, out-of-range values, odd strings): 4xx, never 5xx.
        fuzz(operation, "guardian", mode=GenerationMode.NEGATIVE)
        # …and as the guardian on the real child and content: ids that exist and are theirs.
        names = {p.name for p in operation.path_parameters}
        if names and names <= known.keys():
            fuzz(operation, "guardian", {name: known[name] for name in names})
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(operations)} operations, {calls} requests, {len(problems)} problems, {elapsed:.0f} s")
    assert not problems, "\n".join(sorted(set(problems)))
