"""The FastAPI application: create_app() wires settings, clock, database and every area's routes."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import server.models  # noqa: F401  (all tables registered)
from server import log_privacy, route_table
from server.clock import Clock, clock_for
from server.config import Settings
from server.db import make_engine, make_sessionmaker
from server.deps import DbDep
from server.errors import install_error_handlers
from server.idempotency import IdempotencyMiddleware
from server.input_policy import enforce_input_policy
from server.limits import BodyLimitMiddleware, ConcurrencyLimitMiddleware
from server.security_headers import SecurityHeadersMiddleware

log = logging.getLogger("skolhub")

API_PREFIX = "/api/v1"


class Health(BaseModel):
    status: str
    database: str


def _operation_id(route: APIRoute) -> str:
    return route.name


def build_api_router() -> APIRouter:
    from server.absence.routes import router as absence_router
    from server.accounts.routes import router as accounts_router
    from server.assessments.routes import router as assessments_router
    from server.bankid.routes import router as bankid_router
    from server.blog.routes import router as blog_router
    from server.calendar.routes import router as calendar_router
    from server.documentation.routes import router as documentation_router
    from server.home.routes import router as home_router
    from server.information.routes import router as information_router
    from server.leisure.routes import router as leisure_router
    from server.me.routes import router as me_router
    from server.messages.routes import router as messages_router
    from server.notifications.routes import router as notifications_router
    from server.outbox.routes import router as sms_router
    from server.planning.routes import router as planning_router
    from server.population.routes import router as population_router
    from server.schedule.routes import router as schedule_router
    from server.talks.routes import router as talks_router

    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", response_model=Health, tags=["system"], summary="Liveness and database reachability")
    def health(db: DbDep) -> Health:
        db.execute(sql_text("SELECT 1"))
        return Health(status="ok", database=db.get_bind().dialect.name)

    # One line per area.
    api.include_router(accounts_router)
    api.include_router(me_router)
    api.include_router(schedule_router)
    api.include_router(absence_router)
    api.include_router(sms_router)
    api.include_router(talks_router)
    api.include_router(leisure_router)
    api.include_router(home_router)
    api.include_router(messages_router)
    api.include_router(notifications_router)
    api.include_router(population_router)
    api.include_router(bankid_router)
    api.include_router(assessments_router)
    api.include_router(documentation_router)
    api.include_router(information_router)
    api.include_router(calendar_router)
    api.include_router(blog_router)
    api.include_router(planning_router)
    return api


def create_app(settings: Settings | None = None, clock: Clock | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="Skolhub API",
        version="1.0",
        description="The school's system of record behind the Skolhub app: guardians, students and staff.",
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(enforce_input_policy)],  # server/input_policy.py: one policy for all input
    )
    app.state.settings = settings
    app.state.clock = clock or clock_for(settings.fixed_now, settings.clock_start)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    install_error_handlers(app)
    log_privacy.install()
    app.add_middleware(
        IdempotencyMiddleware,
        get_sessionmaker=lambda scope: scope["app"].state.sessionmaker,
        get_clock=lambda scope: scope["app"].state.clock,
        lease_seconds=settings.idempotency_lease_seconds,
    )
    # Admission control, then (outside it) the body limits: see server/limits.py.
    app.add_middleware(ConcurrencyLimitMiddleware, max_in_flight=settings.max_requests_in_flight)
    app.include_router(build_api_router())
    app.add_middleware(
        BodyLimitMiddleware,
        small_max_bytes=settings.request_max_bytes,
        upload_max_bytes=settings.upload_request_max_bytes or settings.upload_max_bytes + (1 << 20),
        is_upload=lambda scope: bool((op := route_table.find(scope["app"], scope["method"], scope["path"])) and op.takes_files),
        read_timeout_seconds=settings.body_read_timeout_seconds,
        upload_read_timeout_seconds=settings.upload_read_timeout_seconds,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.trust_forwarded_for:
        # The client address (per-address lockout) and scheme (HSTS) from a trusted proxy only.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    if settings.bankid_simulator_mounted:
        from server.bankid.simulator import create_simulator_app, people_from_database

        app.mount("/bankid-sim", create_simulator_app(app.state.clock, people_from_database(app.state.sessionmaker)))
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable machine-readable code"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
                        },
                    },
                },
            }
        },
    }
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                for status in ("401", "403", "404", "409", "422", "429"):
                    operation["responses"].setdefault(
                        status, {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
                    )
                if "422" in operation["responses"]:
                    operation["responses"]["422"] = {
                        "description": "Invalid input",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
                    }
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema
