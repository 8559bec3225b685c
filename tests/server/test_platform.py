"""The server as a product: its OpenAPI document, its schema (only from migrations), its CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.db import Base

ROOT = Path(__file__).resolve().parents[2]


def test_the_openapi_document_is_clean(client):
    schema = client.get("/openapi.json").json()
    operation_ids = []
    for path, item in schema["paths"].items():
        assert path.startswith("/api/v1/")
        for method, operation in item.items():
            operation_ids.append(operation["operationId"])
            assert operation.get("tags"), f"{method} {path} has no tag"
            assert re.fullmatch(r"[a-z][a-z0-9_]*", operation["operationId"]), operation["operationId"]
            if "422" in operation["responses"]:
                assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert len(operation_ids) == len(set(operation_ids)), "operation ids must be unique"
    assert "ErrorBody" in schema["components"]["schemas"]


def test_validation_errors_say_which_field_and_why(client):
    response = client.post("/api/v1/auth/login", json={"username": "x"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][0]["field"] == "password"


def test_unknown_paths_answer_json_errors(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_migrations_build_exactly_the_models_schema(engine):
    """Tests build their schema by running the migrations; this proves the models agree."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == []


def _cli(args, env):
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_cli_migrates_seeds_creates_a_guardian_and_the_worker_sends_the_activation(tmp_path):
    env = dict(os.environ)
    env.update(
        SKOLHUB_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        SKOLHUB_EMAIL_SINK_DIR=str(tmp_path / "mail"),
        SKOLHUB_ARGON2_TIME_COST="1",
        SKOLHUB_ARGON2_MEMORY_KIB="1024",
        SKOLHUB_APP_BASE_URL="http://app.test",
    )
    assert _cli(["migrate"], env).returncode == 0
    seeded = _cli(["seed-demo"], env)
    assert seeded.returncode == 0, seeded.stderr
    assert "anna.lindqvist" in seeded.stdout and "skolhub-demo" in seeded.stdout
    assert _cli(["seed-demo"], env).returncode == 1  # refuses to seed twice

    from sqlalchemy import create_engine, select

    from server.school.models import Pupil

    with create_engine(env["SKOLHUB_DATABASE_URL"]).connect() as conn:
        child_pnr = conn.execute(select(Pupil.personnummer).limit(1)).scalar_one()
    created = _cli(
        ["create-guardian", "--first-name", "Eva", "--last-name", "Ek", "--personnummer", "19850505-9801",
         "--email", "eva@example.test", "--child", child_pnr], env,
    )
    assert created.returncode == 0, created.stderr
    assert "19850505" not in created.stdout + created.stderr  # never print personnummer
    bad = _cli(["create-guardian", "--first-name", "X", "--last-name", "Y", "--personnummer", "19850505-9802",
                "--email", "x@example.test", "--child", child_pnr], env)
    assert bad.returncode == 1 and "invalid_personnummer" in bad.stderr
    sent = _cli(["worker", "--once"], env)
    assert sent.returncode == 0 and sent.stdout.startswith("sent ")
    activations = [m for m in (tmp_path / "mail").glob("*.eml") if "http://app.test/activate/" in m.read_text()]
    assert len(activations) == 1


def test_the_migrations_have_a_single_head():
    from alembic.script import ScriptDirectory

    from server.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"merge the heads: {heads}"


def test_the_server_is_lint_clean_and_type_checks():
    """ruff and mypy (DESIGN.md: type hints throughout, mypy on server/)."""
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "server", "bench", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout[-3000:]
    mypy = subprocess.run([sys.executable, "-m", "mypy", "server"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert mypy.returncode == 0, mypy.stdout[-3000:]
